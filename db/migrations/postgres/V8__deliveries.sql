-- A digest is recorded before it is sent (`sending_snapshot_id`) and again after (`last_snapshot_id`,
-- `last_message_id`), so a crash or a locked store between the two never makes it sent twice: the next run
-- looks for the digest's marker in the channel before sending again.
ALTER TABLE subscriptions ADD COLUMN sending_snapshot_id BIGINT REFERENCES snapshots(id);
ALTER TABLE subscriptions ADD COLUMN last_message_id BIGINT;
