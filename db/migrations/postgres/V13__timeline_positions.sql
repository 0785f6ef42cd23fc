-- Each snapshot's place in its board and category's timeline, written at import so a model's history reads its own
-- rows with their places, not every board's date: `position` counts the accepted snapshots of the board and
-- category, one per date (the date's latest publish), from 0 in date order; NULL for a rejected snapshot and for a
-- publish a later one of the same date replaced. The store renumbers a board and category whenever one of its
-- snapshots is stored, accepted, rejected or removed.
ALTER TABLE snapshots ADD COLUMN position BIGINT;
CREATE INDEX snapshots_by_position ON snapshots (board, category, position);
UPDATE snapshots SET position = numbered.position
FROM (
    SELECT id, row_number() OVER (PARTITION BY board, category ORDER BY as_of) - 1 AS position
    FROM snapshots
    WHERE id IN (SELECT max(id) FROM snapshots WHERE status = 'ok' GROUP BY board, category, as_of)
) AS numbered
WHERE snapshots.id = numbered.id;
