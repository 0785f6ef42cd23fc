"""Fair use: every command has a budget per user and per server, and an over-eager user hears "slow down" once
per window, not once per message (200 commands must not become 200 bot messages)."""

from __future__ import annotations

import time

from discord.ext import commands

# Every command (the list commands have a tighter limit of their own, in the question cog).
PER_USER = (12, 30.0)  # commands, seconds
PER_GUILD = (120, 30.0)
MAX_TOLD = 10_000  # users remembered as told; the oldest go first


class FairUse:
    def __init__(self) -> None:
        self.users = commands.CooldownMapping.from_cooldown(*PER_USER, commands.BucketType.user)
        self.guilds = commands.CooldownMapping.from_cooldown(*PER_GUILD, commands.BucketType.guild)
        self._told: dict[int, float] = {}  # user id -> until when they need not be told again

    async def check(self, ctx: commands.Context) -> bool:  # type: ignore[type-arg]
        """A global check: raises CommandOnCooldown past either budget (the error handler replies, once)."""
        for mapping, kind in ((self.users, commands.BucketType.user), (self.guilds, commands.BucketType.guild)):
            bucket = mapping.get_bucket(ctx.message)
            retry_after = bucket.update_rate_limit() if bucket is not None else None
            if retry_after:
                raise commands.CommandOnCooldown(bucket, retry_after, kind)  # type: ignore[arg-type]
        return True

    def should_tell(self, user_id: int, retry_after: float) -> bool:
        """Whether to say "slow down" now: once per user until their wait is over."""
        now = time.monotonic()
        if self._told.get(user_id, 0.0) > now:
            return False
        self._told.pop(user_id, None)
        self._told[user_id] = now + retry_after
        while len(self._told) > MAX_TOLD:
            del self._told[next(iter(self._told))]
        return True
