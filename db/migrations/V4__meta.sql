-- Small facts about the store itself, such as which bundled data it has been seeded with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
