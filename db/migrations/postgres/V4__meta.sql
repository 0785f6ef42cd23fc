-- Small facts about the store itself, such as which bundled data it has been seeded with.
CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
