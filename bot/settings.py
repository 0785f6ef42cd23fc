"""Typed settings read once from the environment (and a local `.env`), with every default in one place.

`.env.example` documents each variable. The token is kept out of `repr()` so it never lands in a log line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from platformdirs import user_data_dir

BOARD_IDS = ("arena", "open-llm")


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


def default_db_path() -> Path:
    return Path(user_data_dir("leaderbot", appauthor=False)) / "leaderbot.db"


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    db_path: Path = field(default_factory=default_db_path)
    default_board: str = "arena"
    command_prefix: str = "!"
    prefix_commands: bool = True
    dev_guild_id: int | None = None
    refresh_minutes: int = 60
    viewer_url: str = "https://datasets-server.huggingface.co"
    http_timeout: float = 30.0
    http_concurrency: int = 4
    http_retries: int = 4
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        if self.default_board not in BOARD_IDS:
            raise SettingsError(f"LEADERBOT_DEFAULT_BOARD must be one of {', '.join(BOARD_IDS)}")
        if self.refresh_minutes < 5:
            raise SettingsError("LEADERBOT_REFRESH_MINUTES must be at least 5 (be polite to upstream)")
        if self.http_concurrency < 1 or self.http_retries < 1 or not self.http_timeout > 0:
            raise SettingsError(
                "LEADERBOT_HTTP_CONCURRENCY and LEADERBOT_HTTP_RETRIES must be at least 1,"
                " LEADERBOT_HTTP_TIMEOUT above 0"
            )
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LEADERBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


# environment variable -> Settings field
ENV_NAMES = {
    "DISCORD_TOKEN": "discord_token",
    "LEADERBOT_DB": "db_path",
    "LEADERBOT_DEFAULT_BOARD": "default_board",
    "LEADERBOT_PREFIX": "command_prefix",
    "LEADERBOT_PREFIX_COMMANDS": "prefix_commands",
    "DEV_GUILD_ID": "dev_guild_id",
    "LEADERBOT_REFRESH_MINUTES": "refresh_minutes",
    "LEADERBOT_VIEWER_URL": "viewer_url",
    "LEADERBOT_HTTP_TIMEOUT": "http_timeout",
    "LEADERBOT_HTTP_CONCURRENCY": "http_concurrency",
    "LEADERBOT_HTTP_RETRIES": "http_retries",
    "LEADERBOT_LOG_LEVEL": "log_level",
}


def _convert(env_name: str, kind: Any, raw: str) -> Any:
    try:
        if kind in ("bool", bool):
            lowered = raw.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return lowered in {"1", "true", "yes", "on"}
        if kind in ("int", "int | None", int):
            return int(raw)
        if kind in ("float", float):
            return float(raw)
        if kind in ("Path", Path):
            return Path(raw).expanduser()
    except ValueError:
        raise SettingsError(f"{env_name}={raw!r} is not a valid {kind}") from None
    return raw.strip()


def load_settings(env_file: str | Path | None = ".env", environ: dict[str, str] | None = None) -> Settings:
    """Real environment variables win over `.env`, so a deployment can override a developer's file."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    kinds = {f.name: f.type for f in fields(Settings)}
    kwargs = {}
    for env_name, field_name in ENV_NAMES.items():
        raw = values.get(env_name)
        if raw is not None and raw.strip() != "":
            kwargs[field_name] = _convert(env_name, kinds[field_name], raw)
    return Settings(**kwargs)
