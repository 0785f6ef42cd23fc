"""Which language Leaderbot speaks to someone on Discord: the user's own, else the server's, else the bot's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.chat.context import language_of


def bot(server: str | None, default: str | None) -> SimpleNamespace:
    store = SimpleNamespace(guild_language=lambda guild_id: server)
    return SimpleNamespace(store=store, settings=SimpleNamespace(language=default))


@pytest.mark.parametrize(
    ("locale", "server", "default", "spoken"),
    [("th", "ja", "es-ES", "th"), ("fr", "ja", "es-ES", "ja"), ("fr", None, "es-ES", "es-ES"), (None, None, None, None),
     (None, "zh-CN", None, "zh-CN"), ("en-GB", "th", None, "en")],
)  # fmt: skip
def test_the_users_language_then_the_servers_then_the_bots(
    locale: str | None, server: str | None, default: str | None, spoken: str | None
) -> None:
    interaction = SimpleNamespace(locale=locale) if locale else None
    assert language_of(bot(server, default), interaction, SimpleNamespace(id=1)) == spoken  # type: ignore[arg-type]
