-- The Arena as it is today: one board per arena (see bot/profiles/arena.py). The stored `arena` snapshots are raw
-- text boards (no style control), so they move to `arena-raw`, with their models and aliases; `arena` is now the
-- style-controlled board. Subscriptions to `arena` stay on it and start afresh at its first board.
INSERT INTO boards (id) VALUES ('arena-raw') ON CONFLICT (id) DO NOTHING;
UPDATE snapshots SET board = 'arena-raw' WHERE board = 'arena';
UPDATE models SET board = 'arena-raw' WHERE board = 'arena';
UPDATE model_aliases SET board = 'arena-raw' WHERE board = 'arena';
UPDATE subscriptions SET last_snapshot_id = NULL WHERE board = 'arena';

-- Ranks as the site shows them: `rank` is the statistical rank, `position` the place by score in the published
-- file, `rank_worst` the worst rank the intervals allow (the rank spread is rank..rank_worst). Agent arenas count
-- observations and sessions instead of votes.
ALTER TABLE entries ADD COLUMN position BIGINT;
ALTER TABLE entries ADD COLUMN rank_worst BIGINT;
ALTER TABLE entries ADD COLUMN observations BIGINT;
ALTER TABLE entries ADD COLUMN sessions BIGINT;
UPDATE entries SET position = placed.position FROM (
    SELECT rowid AS entry, row_number() OVER (PARTITION BY snapshot_id ORDER BY score DESC, name) AS position
    FROM entries
) AS placed WHERE entries.rowid = placed.entry;
UPDATE entries SET rank_worst = greatest(
    rank,
    (SELECT count(*) FROM entries o WHERE o.snapshot_id = entries.snapshot_id)
    - (SELECT count(*) FROM entries o WHERE o.snapshot_id = entries.snapshot_id AND o.rating_upper < entries.rating_lower)
) WHERE rating_lower IS NOT NULL AND rating_upper IS NOT NULL;

-- The upstream files last fetched for each board: an unchanged `oid` means nothing to download, and `checked_at`
-- says how fresh the board is (the last time the Hub was asked and answered).
CREATE TABLE upstream_files (
    board      TEXT COLLATE "C" NOT NULL REFERENCES boards(id),
    path       TEXT COLLATE "C" NOT NULL,               -- e.g. text_style_control/latest-00000-of-00001.parquet
    oid        TEXT COLLATE "C" NOT NULL,               -- the Hub's git blob id of the file
    size       BIGINT,
    checked_at TEXT COLLATE "C" NOT NULL,               -- UTC ISO 8601
    PRIMARY KEY (board, path)
);
