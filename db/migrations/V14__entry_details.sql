-- An entry no longer stores what it holds nowhere else or only as empty columns:
-- * The columns only Open LLM and the Hub's benchmarks fill move to `entry_details`, one row per entry of those
--   boards. SQLite writes a header byte for every column of a row, empty or not, so each arena row (nearly every row
--   of a store: a board a day per category) carried 36 bytes for columns it never fills.
-- * `name` is NULL where it is the model's own (`models.name`: the board's spelling when the model was first
--   stored, never changed afterwards), as on nearly every row; readers take coalesce(e.name, m.name).
-- Row ids are kept, and named (`id`) so that details can refer to them.
ALTER TABLE entries RENAME TO entries_v12;
CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    model_id     INTEGER NOT NULL REFERENCES models(id),
    rank         INTEGER NOT NULL,
    score        REAL NOT NULL,            -- LMArena rating, Open LLM `Average ⬆️`
    position     INTEGER,                  -- the place by score (arenas)
    rank_worst   INTEGER,                  -- the worst rank the intervals allow (arenas)
    name         TEXT,                     -- the board's own name in this snapshot; NULL: the model's name
    org_key      TEXT,                     -- normalised namespace / organization string, see organization_aliases
    organization TEXT,                     -- the raw string the board gave
    license      TEXT,
    -- LMArena (Bradley-Terry arenas end at variance, agent arenas at sessions)
    rating_lower REAL,
    rating_upper REAL,
    votes        INTEGER,
    variance     REAL,
    observations INTEGER,
    sessions     INTEGER
);
CREATE TABLE entry_details (
    entry_id     INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    -- the Hub's benchmark leaderboards
    verified     INTEGER,
    pull_request INTEGER,
    source_url   TEXT,
    source_name  TEXT,
    notes        TEXT,
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
INSERT INTO entries (
    id, snapshot_id, model_id, rank, score, position, rank_worst, name, org_key, organization, license,
    rating_lower, rating_upper, votes, variance, observations, sessions
)
SELECT
    e.rowid, e.snapshot_id, e.model_id, e.rank, e.score, e.position, e.rank_worst,
    CASE WHEN e.name = m.name THEN NULL ELSE e.name END, e.org_key, e.organization, e.license,
    e.rating_lower, e.rating_upper, e.votes, e.variance, e.observations, e.sessions
FROM entries_v12 e LEFT JOIN models m ON m.id = e.model_id
ORDER BY e.rowid;
INSERT INTO entry_details (
    entry_id, verified, pull_request, source_url, source_name, notes,
    eval_name, precision, model_type, weight_type, architecture, model_sha, params_b, hub_likes, available, moe,
    flagged, merged, official, chat_template, co2_kg, ifeval, ifeval_raw, bbh, bbh_raw, math, math_raw, gpqa,
    gpqa_raw, musr, musr_raw, mmlu_pro, mmlu_pro_raw, upload_date, submission_date, generation, base_model
)
SELECT
    rowid, verified, pull_request, source_url, source_name, notes,
    eval_name, precision, model_type, weight_type, architecture, model_sha, params_b, hub_likes, available, moe,
    flagged, merged, official, chat_template, co2_kg, ifeval, ifeval_raw, bbh, bbh_raw, math, math_raw, gpqa,
    gpqa_raw, musr, musr_raw, mmlu_pro, mmlu_pro_raw, upload_date, submission_date, generation, base_model
FROM entries_v12
WHERE coalesce(
    verified, pull_request, source_url, source_name, notes,
    eval_name, precision, model_type, weight_type, architecture, model_sha, params_b, hub_likes, available, moe,
    flagged, merged, official, chat_template, co2_kg, ifeval, ifeval_raw, bbh, bbh_raw, math, math_raw, gpqa,
    gpqa_raw, musr, musr_raw, mmlu_pro, mmlu_pro_raw, upload_date, submission_date, generation, base_model
) IS NOT NULL
ORDER BY rowid;
DROP TABLE entries_v12;                -- and its two indexes, made again below
CREATE INDEX entries_by_rank ON entries (snapshot_id, rank);
CREATE INDEX entries_by_model ON entries (model_id, snapshot_id);
