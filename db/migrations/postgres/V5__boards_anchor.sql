-- A board's title, link, state and score label live in its profile (bot/profiles); the table keeps only the ids
-- that snapshots, models, aliases and subscriptions refer to. PostgreSQL drops the columns in place (SQLite's V5
-- rebuilds the table; here other tables' references to it would have to go with it).
ALTER TABLE boards DROP COLUMN title, DROP COLUMN url, DROP COLUMN live, DROP COLUMN score_label;
