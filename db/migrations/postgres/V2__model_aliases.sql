-- Extra names for models ("new sonnet"), per board; admins add more at run time.
CREATE TABLE model_aliases (
    board     TEXT COLLATE "C" NOT NULL REFERENCES boards(id),
    alias     TEXT COLLATE "C" NOT NULL,               -- as typed; the answering core normalises it
    model_key TEXT COLLATE "C" NOT NULL,               -- db.keys.model_key of the board's name
    origin    TEXT COLLATE "C" NOT NULL DEFAULT 'seed',
    PRIMARY KEY (board, alias)
);

-- A few nicknames people use that no spelling rule can derive.
INSERT INTO boards (id, title, url, live, score_label) VALUES
    ('arena', 'LMArena Text', 'https://lmarena.ai/leaderboard/text', 1, 'Rating'),
    ('open-llm', 'Open LLM Leaderboard v2', 'https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard',
     0, 'Average')
    ON CONFLICT (id) DO NOTHING;
INSERT INTO model_aliases (board, alias, model_key) VALUES
    ('arena', 'new sonnet', 'claude 3.5 sonnet (20241022)'),
    ('arena', 'old sonnet', 'claude 3.5 sonnet (20240620)'),
    ('arena', 'nemotron', 'llama-3.1-nemotron-70b-instruct'),
    ('arena', 'flash thinking', 'gemini-2.0-flash-thinking-exp-1219'),
    ('open-llm', 'nemotron', 'nvidia/llama-3.1-nemotron-70b-instruct-hf');
