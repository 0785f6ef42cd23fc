-- Where a digest's recovery stops looking: the channel's last message id when the intent was recorded
-- (`sending_snapshot_id`). A run that stopped between a send and its bookkeeping looks back through the channel
-- to this message, however many came after it, instead of a fixed number of recent messages. NULL when the bot
-- did not know the channel's last message; the look back is then bounded by a count alone.
ALTER TABLE subscriptions ADD COLUMN sending_after_id BIGINT;
