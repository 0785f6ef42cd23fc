-- A question asks whether its words are a model's name (`normal`) or its name without the namespace (`bare`), one
-- name at a time; reading every model's words for a first question cost more than the answer itself (SQLite's
-- V18). `normal = ? OR bare = ?` is a bitmap OR of the two indexes here.
CREATE INDEX models_by_normal ON models (normal);
CREATE INDEX models_by_bare ON models (bare);
