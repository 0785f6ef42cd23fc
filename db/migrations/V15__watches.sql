-- Members and channels following models (`/watch`): one row per model, board and category, stored by the model's
-- identity on its board (`models.id`). A rename the board's rules find moves the watch to the new identity, so it
-- is kept. `to_channel` is 0 for a member's watch (DMed to `recipient_id`, a user) and 1 for a channel's (posted in
-- `recipient_id`, a channel; Manage Server).
CREATE TABLE watches (
    id                  INTEGER PRIMARY KEY,
    recipient_id        INTEGER NOT NULL,
    to_channel          INTEGER NOT NULL DEFAULT 0 CHECK (to_channel IN (0, 1)),
    model_id            INTEGER NOT NULL REFERENCES models(id),
    board               TEXT NOT NULL REFERENCES boards(id),
    category            TEXT NOT NULL,
    top_n               INTEGER CHECK (top_n BETWEEN 1 AND 100),    -- NULL: at any rank
    min_move            INTEGER NOT NULL DEFAULT 1 CHECK (min_move BETWEEN 1 AND 100),
    last_snapshot_id    INTEGER REFERENCES snapshots(id),           -- the newest snapshot it has been told about
    sending_snapshot_id INTEGER,                                    -- a DM about to be (or maybe) sent brings it here
    sending_model_id    INTEGER,                                    -- ... and, renamed on the way, to this identity
    created_at          TEXT NOT NULL,
    UNIQUE (recipient_id, to_channel, model_id, category)
);
CREATE INDEX watches_by_board ON watches (board, category);

-- Who watches, once each: where their updates are sent from and in which language, and what is being sent to them.
CREATE TABLE watchers (
    recipient_id     INTEGER NOT NULL,
    to_channel       INTEGER NOT NULL DEFAULT 0 CHECK (to_channel IN (0, 1)),
    guild_id         INTEGER NOT NULL,      -- the server of the last watch command: its shard's process sends
    language         TEXT,                  -- the user's own (a slash command's locale); NULL: the server's
    last_channel_id  INTEGER,               -- where they last ran a watch command: told there when a DM is refused
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),  -- 1 after a refused DM (403)
    deliveries       INTEGER NOT NULL DEFAULT 0,  -- updates begun: numbers each one's marker
    sending_after_id INTEGER,               -- the DM channel's last message when the intent was recorded
    sending          INTEGER NOT NULL DEFAULT 0 CHECK (sending IN (0, 1)),  -- 1 between intent and bookkeeping
    last_message_id  INTEGER,               -- the last update sent
    PRIMARY KEY (recipient_id, to_channel)
);
CREATE INDEX watchers_by_guild ON watchers (guild_id);
