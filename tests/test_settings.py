"""Settings: read from the environment and `.env` with each field's real type, checked, defaults in one place."""

from __future__ import annotations

from pathlib import Path
from typing import get_type_hints

import pytest

from bot.settings import ENV_NAMES, Settings, SettingsError, convert, load_settings


@pytest.mark.parametrize(
    ("hint", "raw", "expected"),
    [
        (float | None, "2.5", 2.5),
        (float | None, " 3 ", 3.0),
        (int | None, "42", 42),
        (int, "7", 7),
        (float, "30", 30.0),
        (bool, "off", False),
        (bool, "Yes", True),
        (str, " text ", "text"),
        (str | None, "x", "x"),
        (Path, "~/store.db", Path("~/store.db").expanduser()),
    ],
)
def test_values_come_back_as_their_type(hint: object, raw: str, expected: object) -> None:
    value = convert("X", hint, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(("hint", "raw"), [(float | None, "fast"), (int | None, "2.5"), (bool, "maybe")])
def test_bad_values_name_the_variable(hint: object, raw: str) -> None:
    with pytest.raises(SettingsError, match=rf"^X={raw!r} is not a valid"):
        convert("X", hint, raw)


def test_every_variable_converts_to_its_field_type(tmp_path: Path) -> None:
    """Each field's hint has a conversion: a new field of an unhandled type fails here, not in production."""
    hints = get_type_hints(Settings)
    samples = {bool: "true", int: "9", float: "9.5", Path: str(tmp_path / "x.db"), str: "INFO"}
    for env_name, field_name in ENV_NAMES.items():
        hint = hints[field_name]
        if getattr(hint, "__origin__", None) is tuple and hint.__args__[0] is int:  # a list of numbers
            assert convert(env_name, hint, "0, 3") == (0, 3)
            continue
        if getattr(hint, "__origin__", None) is tuple:  # a comma-separated list
            assert convert(env_name, hint, "a.example, b.example") == ("a.example", "b.example")
            continue
        kind = next(k for k in samples if k in (hint, *getattr(hint, "__args__", ())))
        assert isinstance(convert(env_name, hint, samples[kind]), kind), env_name


def test_environment_beats_the_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LEADERBOT_HTTP_TIMEOUT=12.5\nLEADERBOT_REFRESH_MINUTES=30\nDEV_GUILD_ID=123\n", encoding="utf-8")
    settings = load_settings(env, environ={"LEADERBOT_REFRESH_MINUTES": "90"})
    assert (settings.http_timeout, settings.refresh_minutes, settings.dev_guild_id) == (12.5, 90, 123)
    assert isinstance(settings.http_timeout, float) and isinstance(settings.dev_guild_id, int)


def test_unknown_boards_and_bad_ranges_are_refused() -> None:
    with pytest.raises(SettingsError, match="LEADERBOT_DEFAULT_BOARD"):
        load_settings(None, environ={"LEADERBOT_DEFAULT_BOARD": "nope"})
    with pytest.raises(SettingsError, match="LEADERBOT_REFRESH_MINUTES"):
        load_settings(None, environ={"LEADERBOT_REFRESH_MINUTES": "1"})


def test_an_empty_exported_token_does_not_hide_the_env_file(tmp_path: Path) -> None:
    """Before: `export DISCORD_TOKEN=` silently replaced the token in .env with nothing."""
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-the-file\n")
    env_file.chmod(0o600)
    assert load_settings(env_file, environ={"DISCORD_TOKEN": ""}).discord_token == "from-the-file"
    assert load_settings(env_file, environ={"DISCORD_TOKEN": "  "}).discord_token == "from-the-file"
    assert load_settings(env_file, environ={"DISCORD_TOKEN": "exported"}).discord_token == "exported"


def test_a_world_readable_env_file_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=secret-value\n")
    env_file.chmod(0o644)
    load_settings(env_file, environ={})
    assert "can be read by other users" in caplog.text and "chmod 600" in caplog.text
    assert "secret-value" not in caplog.text  # the token itself is never logged
    caplog.clear()
    env_file.chmod(0o600)
    load_settings(env_file, environ={})
    assert "can be read by other users" not in caplog.text


def test_a_new_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    from db.store import Store  # noqa: PLC0415

    path = tmp_path / "data" / "leaderbot.db"
    Store(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_shards_are_read_checked_and_own_their_servers_by_discords_rule() -> None:
    settings = load_settings(None, environ={"SHARD_COUNT": "4", "SHARD_IDS": "1, 3", "LEADERBOT_REFRESHER": "false"})
    assert (settings.shard_count, settings.shard_ids, settings.refresher) == (4, (1, 3), False)
    on_shard = {shard: (1000 << 22) * 4 + (shard << 22) for shard in range(4)}  # (id >> 22) % 4 == shard
    assert [settings.owns_guild(on_shard[shard]) for shard in range(4)] == [False, True, False, True]
    assert load_settings(None, environ={"SHARD_COUNT": "2"}).own_shards == (0, 1)
    unsharded = load_settings(None, environ={})
    assert unsharded.own_shards == (0,) and all(unsharded.owns_guild(g) for g in on_shard.values())
    for environ, says in (
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "between 0 and 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "names a shard twice"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be at least 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "one"}, "is not a list of whole numbers"),
        ({"LEADERBOT_HTTP_PORT": "70000"}, "LEADERBOT_HTTP_PORT must be a port number"),
    ):
        with pytest.raises(SettingsError, match=says):
            load_settings(None, environ=environ)


def test_every_variable_is_documented_in_the_example_env_file() -> None:
    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    documented = {line.lstrip("#").split("=", 1)[0].strip() for line in example.splitlines() if "=" in line}
    assert set(ENV_NAMES) <= documented, set(ENV_NAMES) - documented
