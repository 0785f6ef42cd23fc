-- The Hub's benchmark leaderboards (bot/profiles/hub.py): one board per benchmark dataset the Hub lists as
-- official, its profile made from this row. A benchmark the Hub stops listing keeps its boards and is marked
-- retired (no longer fetched, answered as an archive).
CREATE TABLE hub_benchmarks (
    board           TEXT COLLATE "C" PRIMARY KEY REFERENCES boards(id),
    dataset         TEXT COLLATE "C" NOT NULL UNIQUE,
    title           TEXT COLLATE "C" NOT NULL,
    lower_is_better BIGINT NOT NULL DEFAULT 0,
    seen_at         TEXT COLLATE "C" NOT NULL,             -- UTC ISO 8601, when the Hub first listed it
    retired_at      TEXT COLLATE "C"                       -- when the Hub no longer listed it
);

-- What a Hub leaderboard row says beyond rank, model and value: whether the Hub ran the evaluation itself, the
-- community pull request it comes from while not merged, and the source it cites.
ALTER TABLE entries ADD COLUMN verified BIGINT;
ALTER TABLE entries ADD COLUMN pull_request BIGINT;
ALTER TABLE entries ADD COLUMN source_url TEXT COLLATE "C";
ALTER TABLE entries ADD COLUMN source_name TEXT COLLATE "C";
ALTER TABLE entries ADD COLUMN notes TEXT COLLATE "C";
