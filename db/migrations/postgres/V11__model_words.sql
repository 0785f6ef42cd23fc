-- How a model's name reads to the question parser and the cross-board links, kept with its identity so a process
-- need not tokenise every board's names before its first answer: `normal` is the whole name normalised
-- (bot/core/names.normalise: 'Qwen/Qwen2-72B-Instruct' -> 'qwen 2 72b instruct'), `bare` the same without the
-- namespace. Written by the importer (Python: SQL cannot tokenise); NULL until then, for rows of older stores.
ALTER TABLE models ADD COLUMN normal TEXT COLLATE "C";
ALTER TABLE models ADD COLUMN bare TEXT COLLATE "C";
