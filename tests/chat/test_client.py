"""client: a failure at the edge with Discord is one line, not a traceback (login 5xx, gateway close codes)."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.chat.client import failure_message


class ClosedSocket:
    """What discord.py reads of a closed gateway socket."""

    close_code = None


def closed(code: int) -> discord.ConnectionClosed:
    return discord.ConnectionClosed(ClosedSocket(), shard_id=None, code=code)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (discord.LoginFailure("Improper token has been passed."), "Discord rejected the token"),
        (closed(4004), "Discord rejected the token"),
        (closed(4014), "Message Content intent"),  # type: ignore[arg-type]
        (
            closed(4000),
            "Discord closed the connection (code 4000",
        ),  # type: ignore[arg-type]
        (
            discord.DiscordServerError(SimpleNamespace(status=503, reason="Service Unavailable"), "upstream"),  # type: ignore[arg-type]
            "Discord answered 503",
        ),
        (aiohttp.ClientConnectionError("no route"), "cannot reach Discord (ClientConnectionError)"),
    ],
)
def test_edge_failures_are_one_line(error: BaseException, says: str) -> None:
    message = failure_message(error)
    assert message is not None and says in message and "\n" not in message


def test_a_bug_of_ours_is_not_hidden() -> None:
    assert failure_message(discord.ClientException("a programming error")) is None
    assert failure_message(ValueError("ours")) is None
