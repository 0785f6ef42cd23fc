-- A model's history reads its rank, score and board spelling on every board it is on. The index of entries by
-- model now holds them, so that read stays in the index, in model order, instead of visiting one page of the
-- table per board: on years of daily boards, a model's entries are spread over as many pages as it has boards.
-- What it costs in file size per row, and what it saves, is in BENCHMARKS.md ("First answer").
DROP INDEX entries_by_model;
CREATE INDEX entries_by_model ON entries (model_id, snapshot_id, rank, score, name);
