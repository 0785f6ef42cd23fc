-- Boards, snapshots of them, and one row per leaderboard entry; organizations with their aliases.

CREATE TABLE boards (
    id          TEXT PRIMARY KEY,          -- 'arena', 'open-llm'
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,             -- where a person can see the board
    live        INTEGER NOT NULL,          -- 0 for archived boards, which are never polled
    score_label TEXT NOT NULL
);

CREATE TABLE organizations (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    country TEXT,                          -- ISO 3166 alpha-2, NULL when unknown
    origin  TEXT NOT NULL DEFAULT 'seed'   -- 'seed' (organizations.csv) or 'user' (edited at run time)
);

-- Every spelling that names an organization: Hugging Face namespaces and LMArena `organization` strings,
-- normalised (case-folded, letters and digits only) so 'DeepSeek AI' and 'deepseek-ai' meet.
CREATE TABLE organization_aliases (
    alias           TEXT PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    origin          TEXT NOT NULL DEFAULT 'seed'
);

-- A model's identity on one board, stable across snapshots so history can follow it.
CREATE TABLE models (
    id         INTEGER PRIMARY KEY,
    board      TEXT NOT NULL REFERENCES boards(id),
    key        TEXT NOT NULL,              -- case-folded board name: the live dataset may lower-case it
    name       TEXT NOT NULL,              -- the board's spelling when first stored
    first_seen TEXT NOT NULL,
    UNIQUE (board, key)
);

CREATE TABLE snapshots (
    id           INTEGER PRIMARY KEY,
    board        TEXT NOT NULL REFERENCES boards(id),
    category     TEXT NOT NULL,
    as_of        TEXT NOT NULL,            -- the board's own date (publish date), YYYY-MM-DD
    fetched_at   TEXT NOT NULL,            -- when we stored it, UTC ISO 8601
    source       TEXT NOT NULL,            -- file path or URL it came from
    row_count    INTEGER NOT NULL,
    content_hash TEXT NOT NULL,            -- sha256 of the canonical rows: identical data is stored once
    status       TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'rejected')),
    UNIQUE (board, category, content_hash)
);
CREATE INDEX snapshots_by_date ON snapshots (board, category, as_of);

CREATE TABLE entries (
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    model_id     INTEGER NOT NULL REFERENCES models(id),
    name         TEXT NOT NULL,            -- the board's own name in this snapshot
    rank         INTEGER NOT NULL,
    score        REAL NOT NULL,            -- LMArena rating, Open LLM `Average ⬆️`
    org_key      TEXT,                     -- normalised namespace / organization string, see organization_aliases
    organization TEXT,                     -- the raw string the board gave
    license      TEXT,
    -- LMArena
    rating_lower REAL,
    rating_upper REAL,
    variance     REAL,
    votes        INTEGER,
    -- Open LLM Leaderboard v2
    eval_name    TEXT,
    precision    TEXT,
    model_type   TEXT,
    weight_type  TEXT,
    architecture TEXT,
    model_sha    TEXT,
    params_b     REAL,
    hub_likes    INTEGER,
    available    INTEGER,
    moe          INTEGER,
    flagged      INTEGER,
    merged       INTEGER,
    official     INTEGER,
    chat_template INTEGER,
    co2_kg       REAL,
    ifeval       REAL, ifeval_raw   REAL,
    bbh          REAL, bbh_raw      REAL,
    math         REAL, math_raw     REAL,
    gpqa         REAL, gpqa_raw     REAL,
    musr         REAL, musr_raw     REAL,
    mmlu_pro     REAL, mmlu_pro_raw REAL,
    upload_date  TEXT,
    submission_date TEXT,
    generation   INTEGER,
    base_model   TEXT
);
CREATE INDEX entries_by_rank ON entries (snapshot_id, rank);
CREATE INDEX entries_by_model ON entries (model_id, snapshot_id);
CREATE INDEX models_by_key ON models (key);
