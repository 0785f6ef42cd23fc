-- Configs the Hub lists that no profile names (upstream adds arenas over time). One whose columns match an
-- importer becomes a board (`board`, `schema`: its profile is derived from the config, see bot/profiles/arena.py);
-- one whose columns are not known has no board and is looked at again only when its file changes (`oid`).
CREATE TABLE upstream_configs (
    dataset  TEXT COLLATE "C" NOT NULL,
    config   TEXT COLLATE "C" NOT NULL,
    board    TEXT COLLATE "C" REFERENCES boards(id),
    schema   TEXT COLLATE "C",
    oid      TEXT COLLATE "C" NOT NULL,
    seen_at  TEXT COLLATE "C" NOT NULL,               -- UTC ISO 8601, when the Hub first listed it
    PRIMARY KEY (dataset, config)
);
