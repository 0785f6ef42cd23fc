-- A model's history reads its rank, score and board spelling on every board it is on. The index of entries by
-- model now holds them, so that read is an index-only scan, in model order, instead of a visit to the table per
-- board (SQLite's V17). The lookup is by (model_id, snapshot_id) alone, so rank, score and name are INCLUDEd
-- payload rather than key columns: the same index-only scan, with the upper levels of the tree holding two
-- integers per key instead of a name. An index-only scan needs the table's visibility map, which (auto)vacuum
-- keeps.
DROP INDEX entries_by_model;
CREATE INDEX entries_by_model ON entries (model_id, snapshot_id) INCLUDE (rank, score, name);
