"""A server's own settings on SimCord: `/language` (`!language`) refuses what it cannot use in a clear reply."""

from __future__ import annotations

import discord


def admin_in_a_channel(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return channel, guild.add_member(env.create_user("alice"), roles=[admins])


async def test_an_unknown_language_as_long_as_a_message_is_refused_in_one_short_reply(simcord_env):
    """1,985 characters after `!language ` is a legal Discord message; echoing it whole would not be."""
    env = simcord_env
    channel, alice = admin_in_a_channel(env)
    await alice.send(channel, "!language " + "x" * 1985)
    reply = channel.last_message
    assert reply.author.id == env.bot.user.id
    assert reply.content.startswith("I don't speak 'xxxxxxxx") and "…'" in reply.content
    assert reply.content.endswith("languages: en, th, zh-CN, ja, es-ES, or auto.")
    assert len(reply.content) < 200
    assert env.bot.store.guild_language(channel.guild.id) is None


async def test_an_unknown_language_is_echoed_literally_and_pings_nobody(simcord_env):
    env = simcord_env
    channel, alice = admin_in_a_channel(env)
    await alice.send(channel, "!language **@everyone**")
    reply = channel.last_message
    assert "\\*\\*" in reply.content and "@\u200beveryone" in reply.content
    assert reply.mention_everyone is False
