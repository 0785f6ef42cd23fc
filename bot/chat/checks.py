"""Who may run a command, checked once for every cog that needs it.

Kept out of the cog modules: discord.py loads each cog as an extension (its module in `sys.modules` before it has
run), so one cog importing another can see it half-made when two bots start at once (shards in one process).
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands


def admin_only():  # type: ignore[no-untyped-def]
    """Manage Server, checked at run time and hinted to Discord so the commands are hidden from members without it
    (RoboDanny's hybrid permissions check)."""

    def decorator(func):  # type: ignore[no-untyped-def]
        func = commands.guild_only()(func)
        func = commands.has_guild_permissions(manage_guild=True)(func)
        return app_commands.default_permissions(manage_guild=True)(func)

    return decorator
