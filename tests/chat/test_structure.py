"""Structure of the Discord layer: every cog loads, names don't clash, every slash command is described."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import discord
from discord import app_commands

from bot import build_bot
from bot.chat.client import COGS
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


async def test_cogs_load_and_names_do_not_clash(db_path):
    bot = build_bot(db_path)
    try:
        for cog in COGS:
            await bot.load_extension(cog)
        cogs = {"AskCog", "AlertsCog", "ServerCog", "ErrorHandler", "LiveCog", "WatchCog"}
        assert {type(c).__name__ for c in bot.cogs.values()} == cogs
        seen: dict[str, str] = {}
        for command in bot.walk_commands():
            for name in (command.name, *command.aliases):
                assert name not in seen, f"{name!r} is used by {seen[name]} and {command.qualified_name}"
                seen[name] = command.qualified_name
        slash = bot.tree.get_commands()
        assert {c.name for c in slash} == {
            "rank", "top", "compare", "orgs", "boards", "help", "history", "everywhere",
            "subscribe", "unsubscribe", "subscriptions", "notify-test", "language", "watch", "unwatch", "watchlist",
            "live", "live-stop",
        }  # fmt: skip
        for command in slash:
            assert isinstance(command, app_commands.Command)
            assert command.description and command.description != "…", command.name
            for parameter in command.parameters:
                assert parameter.description and parameter.description != "…", f"{command.name}.{parameter.name}"
    finally:
        await bot.close()


def test_the_answering_core_never_imports_discord():
    """The core is shared by the console, the CLI and the bot: it must run without discord.py."""
    core = ROOT / "bot" / "core"
    for path in core.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "discord" or n.startswith("discord.") for n in names), f"{path.name} imports {names}"


def test_build_bot_opens_no_connection_and_uses_the_settings(db_path):
    bot = build_bot(db_path, command_prefix="?", prefix_commands=False, default_board="open-llm")
    assert not bot.is_ready() and bot.ws is None
    assert not bot.intents.message_content and not bot.intents.members
    assert bot.answerer.default_board == "open-llm"
    assert bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    assert isinstance(bot.intents, discord.Intents)


async def test_the_warmed_boards_are_kept_out_of_the_collectors_sight(simcord_env):
    """A full collection over both boards stalls the loop ~100 ms; the bot freezes them after warming."""
    assert gc.get_freeze_count() > 100_000
    await simcord_env.shutdown()
    await simcord_env.bot.close()
    assert gc.get_freeze_count() == 0  # and gives them back when it closes


def test_build_bot_takes_settings_or_a_path_with_overrides(db_path):
    settings = Settings(db_path=db_path, command_prefix="?", http_timeout=7.5)
    bot = build_bot(settings, prefix_commands=False)
    assert bot.settings == settings.with_overrides(prefix_commands=False)
    short = build_bot(db_path, command_prefix="?")
    assert (short.settings.db_path, short.settings.command_prefix) == (db_path, "?")
