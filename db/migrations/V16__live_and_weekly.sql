-- A live board: one message per channel, board and category that the bot edits in place at each new snapshot.
-- The snapshot it shows is recorded after each edit (`snapshot_id`), the one it is about to show before
-- (`editing_snapshot_id`), so a restart between the two finds the edit's marker in the message instead of editing
-- again. A removed snapshot leaves the message to be brought up to date at the next one.
CREATE TABLE live_boards (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    channel_id          INTEGER NOT NULL,
    board               TEXT NOT NULL REFERENCES boards(id),
    category            TEXT NOT NULL,
    count               INTEGER NOT NULL CHECK (count BETWEEN 1 AND 100),
    message_id          INTEGER NOT NULL,
    snapshot_id         INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    editing_snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    enabled             INTEGER NOT NULL DEFAULT 1,
    disabled_reason     TEXT,                      -- a catalogue key (`admin.reason_*`)
    disabled_noticed    INTEGER NOT NULL DEFAULT 1, -- 0 until an admin command has reported the stop
    created_at          TEXT NOT NULL,
    updated_at          TEXT,                      -- the last edit (UTC, ISO 8601)
    UNIQUE (channel_id, board, category)
);
CREATE INDEX live_boards_by_board ON live_boards (board, enabled);
CREATE INDEX live_boards_by_guild ON live_boards (guild_id);
-- A weekly subscription: one digest a week, on `weekly_day` (0 Monday .. 6 Sunday) at or after `weekly_hour` UTC,
-- instead of one per change (NULL: every change). `weekly_done` is the due time last served (UTC, ISO 8601);
-- `weekly_sending` the one a digest about to be (or maybe) sent is for, written with `sending_snapshot_id`.
ALTER TABLE subscriptions ADD COLUMN weekly_day INTEGER CHECK (weekly_day BETWEEN 0 AND 6);
ALTER TABLE subscriptions ADD COLUMN weekly_hour INTEGER CHECK (weekly_hour BETWEEN 0 AND 23);
ALTER TABLE subscriptions ADD COLUMN weekly_done TEXT;
ALTER TABLE subscriptions ADD COLUMN weekly_sending TEXT;
