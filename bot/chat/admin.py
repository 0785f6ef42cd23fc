"""What every admin command's reply shares: the subscriptions and live boards switched off since an admin last
looked, said first, and why each was, in the admin's language.

Kept out of the cog modules: discord.py loads each cog as an extension (its module in `sys.modules` before it has
run), so one cog importing another can see it half-made when two bots start at once (shards in one process).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from ..core.i18n import DEFAULT, catalogue, t
from .embeds import escape

if TYPE_CHECKING:
    from .client import LeaderBot
    from .context import LeaderContext

# The reasons stored as English text before they were catalogue keys.
LEGACY_REASONS = {"the channel is gone": "admin.reason_gone", "I may no longer post there": "admin.reason_forbidden"}


def reason_text(reason: str | None, lang: str) -> str:
    """Why a subscription was switched off, said in `lang`: a catalogue key (`admin.reason_*`, as the notifier
    stores it) or one of the texts it stored before; anything else as it is."""
    key = LEGACY_REASONS.get(reason or "", reason)
    return t(lang, key) if key in catalogue(lang) else reason or ""


async def admin_reply(bot: LeaderBot, ctx: LeaderContext, text: str, embed: discord.Embed | None = None) -> None:
    """Every admin reply first says which subscriptions and live boards were switched off since an admin last
    looked, in the admin's language."""
    assert ctx.guild is not None
    lang = ctx.language or DEFAULT
    lines = [t(lang, "admin.stopped", board=escape(s.board), channel=f"<#{s.channel_id}>",
               reason=reason_text(s.disabled_reason, lang))
             for s in bot.store.take_disabled_notices(ctx.guild.id)]  # fmt: skip
    lines += [t(lang, "admin.live_ended", board=escape(b.board), channel=f"<#{b.channel_id}>",
                reason=reason_text(b.disabled_reason, lang))
              for b in bot.store.take_disabled_live_notices(ctx.guild.id)]  # fmt: skip
    if lines:
        text = "\n".join(lines) + "\n" + text
    await ctx.send(text[:2000], embed=embed, allowed_mentions=discord.AllowedMentions.none())
