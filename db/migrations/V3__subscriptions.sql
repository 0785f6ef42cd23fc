-- Channels that asked to hear about rank changes, and what each has been told.
CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    board            TEXT NOT NULL REFERENCES boards(id),
    category         TEXT NOT NULL DEFAULT 'overall',
    top_n            INTEGER NOT NULL DEFAULT 10 CHECK (top_n BETWEEN 1 AND 100),
    min_move         INTEGER NOT NULL DEFAULT 1 CHECK (min_move >= 1),
    role_id          INTEGER,                 -- pinged with each digest; NULL pings nobody
    enabled          INTEGER NOT NULL DEFAULT 1,
    disabled_reason  TEXT,                    -- why we stopped (e.g. the channel is gone); shown to admins
    disabled_noticed INTEGER NOT NULL DEFAULT 1, -- 0 until an admin command has reported the disabling
    last_snapshot_id INTEGER REFERENCES snapshots(id), -- the newest snapshot this channel has been told about
    created_at       TEXT NOT NULL,
    UNIQUE (channel_id, board, category)
);
CREATE INDEX subscriptions_by_board ON subscriptions (board, category, enabled);
CREATE INDEX subscriptions_by_guild ON subscriptions (guild_id);
