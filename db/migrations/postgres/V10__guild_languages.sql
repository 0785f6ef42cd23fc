-- The language a server's answers to prefix commands and mentions, and its digests, are in (`/language`, Manage
-- Server): en, th, zh-CN, ja or es-ES (bot/core/i18n.py). A slash command answers in its user's own language.
CREATE TABLE guild_languages (
    guild_id BIGINT PRIMARY KEY,
    language TEXT COLLATE "C" NOT NULL
);
