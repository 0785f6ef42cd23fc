-- A board's title, link, state and score label live in its profile (bot/profiles); the table keeps only the ids
-- that snapshots, models, aliases and subscriptions refer to. Rebuilt rather than altered: DROP COLUMN trips over
-- the comments in V1's definition.
CREATE TABLE boards_anchor (id TEXT PRIMARY KEY);
INSERT INTO boards_anchor (id) SELECT id FROM boards;
DROP TABLE boards;
ALTER TABLE boards_anchor RENAME TO boards;
