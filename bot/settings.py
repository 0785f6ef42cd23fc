"""Typed settings read once from the environment (and a local `.env`), with every default in one place.

`.env.example` documents each variable. The token is kept out of `repr()` so it never lands in a log line.
"""

from __future__ import annotations

import logging
import os
import stat
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from dotenv import dotenv_values
from platformdirs import user_data_dir

from db.engine import is_postgres

from .core import i18n
from .profiles import board_ids

log = logging.getLogger(__name__)

DEFAULT_BOARD = "arena"  # what a question that names no board is answered from


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


def default_db_path() -> Path:
    return Path(user_data_dir("leaderbot", appauthor=False)) / "leaderbot.db"


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    db_path: Path = field(default_factory=default_db_path)
    default_board: str = DEFAULT_BOARD
    command_prefix: str = "!"
    prefix_commands: bool = True
    dev_guild_id: int | None = None
    refresh_minutes: int = 60
    viewer_url: str = "https://datasets-server.huggingface.co"
    hf_endpoint: str = "https://huggingface.co"  # the Hub, as Hugging Face's own clients read HF_ENDPOINT
    hf_token: str | None = field(default=None, repr=False)  # for gated Hub benchmarks; never logged
    # the Hub benchmarks to follow, by dataset id; "all": every official one, "none": none
    hub_benchmarks: tuple[str, ...] = ("all",)
    max_download_mb: int = 512  # a file from upstream larger than this is refused
    # hosts (with their subdomains) a download may be redirected to: the Hub's own and its CDN's
    download_hosts: tuple[str, ...] = ("huggingface.co", "hf.co")
    http_timeout: float = 30.0
    http_concurrency: int = 4
    http_retries: int = 4
    log_level: str = "INFO"
    # the language answers are in (en, th, zh-CN, ja, es-ES); None: the question's own, English by default
    language: str | None = None
    # the health and metrics listener (/healthz, /metrics): off unless a port is set; 0 picks a free port
    http_port: int | None = None
    http_host: str = "127.0.0.1"
    # Sharding (Discord requires it from 2,500 servers): None runs one unsharded connection. Each process runs the
    # shards `shard_ids` (default: all) of `shard_count` and posts the digests of its shards' servers only.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    refresher: bool = True  # whether this process fetches upstream; the others announce what it stores
    # postgresql://user:password@host/db: the store on a PostgreSQL server, shared by processes on many machines
    # (db/engine.py); unset, the SQLite file at db_path. Kept out of repr(): it may hold a password.
    database_url: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.default_board not in board_ids():
            raise SettingsError(f"LEADERBOT_DEFAULT_BOARD must be one of {', '.join(board_ids())}")
        if self.refresh_minutes < 5:
            raise SettingsError("LEADERBOT_REFRESH_MINUTES must be at least 5 (be polite to upstream)")
        if self.http_concurrency < 1 or self.http_retries < 1 or not self.http_timeout > 0:
            raise SettingsError(
                "LEADERBOT_HTTP_CONCURRENCY and LEADERBOT_HTTP_RETRIES must be at least 1,"
                " LEADERBOT_HTTP_TIMEOUT above 0"
            )
        if self.max_download_mb < 1:
            raise SettingsError("LEADERBOT_MAX_DOWNLOAD_MB must be at least 1")
        if self.http_port is not None and not 0 <= self.http_port <= 65535:
            raise SettingsError("LEADERBOT_HTTP_PORT must be a port number, 1 to 65535 (or empty: no listener)")
        if self.shard_count is not None and self.shard_count < 1:
            raise SettingsError("SHARD_COUNT must be at least 1 (or empty: no sharding)")
        if self.shard_ids and self.shard_count is None:
            raise SettingsError("SHARD_IDS needs SHARD_COUNT: the shards are numbered 0 to SHARD_COUNT - 1")
        if self.shard_count is not None and not all(0 <= i < self.shard_count for i in self.shard_ids):
            raise SettingsError(f"SHARD_IDS must be between 0 and {self.shard_count - 1} (SHARD_COUNT - 1)")
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise SettingsError("SHARD_IDS names a shard twice")
        if self.language is not None:
            try:
                object.__setattr__(self, "language", i18n.language(self.language))
            except i18n.UnknownLanguage:
                raise SettingsError(f"LEADERBOT_LANG must be one of {', '.join(i18n.LANGUAGES)}") from None
        if self.database_url is not None and not is_postgres(self.database_url):
            raise SettingsError("LEADERBOT_DATABASE_URL must be a postgresql:// URL (or empty: the SQLite store)")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LEADERBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")

    def follows(self, dataset: str) -> bool:
        """Whether the Hub benchmark `dataset` is one to fetch (LEADERBOT_HUB_BENCHMARKS)."""
        wanted = {d.casefold() for d in self.hub_benchmarks}
        return "none" not in wanted and ("all" in wanted or dataset.casefold() in wanted)

    @property
    def follows_hub(self) -> bool:
        return {d.casefold() for d in self.hub_benchmarks} != {"none"} and bool(self.hub_benchmarks)

    @property
    def own_shards(self) -> tuple[int, ...]:
        """The shards this process runs (every one when SHARD_IDS is empty; shard 0 of 1 unsharded)."""
        return self.shard_ids or tuple(range(self.shard_count or 1))

    def owns_guild(self, guild_id: int) -> bool:
        """Whether a server's events, and so its digests, belong to this process: Discord's rule puts a server on
        shard (guild_id >> 22) % shard_count."""
        return (guild_id >> 22) % (self.shard_count or 1) in self.own_shards

    @property
    def store_location(self) -> str | Path:
        """Where the store is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.db_path

    @property
    def max_download_bytes(self) -> int:
        return self.max_download_mb * 1024 * 1024

    @property
    def stale_after_minutes(self) -> int:
        """A live board not fetched for longer than this (two refresh intervals) is no longer called live."""
        return 2 * self.refresh_minutes

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
    "HF_ENDPOINT": "hf_endpoint",
    "HF_TOKEN": "hf_token",
    "LEADERBOT_HUB_BENCHMARKS": "hub_benchmarks",
    "LEADERBOT_MAX_DOWNLOAD_MB": "max_download_mb",
    "LEADERBOT_DOWNLOAD_HOSTS": "download_hosts",
    "LEADERBOT_HTTP_TIMEOUT": "http_timeout",
    "LEADERBOT_HTTP_CONCURRENCY": "http_concurrency",
    "LEADERBOT_HTTP_RETRIES": "http_retries",
    "LEADERBOT_LOG_LEVEL": "log_level",
    "LEADERBOT_LANG": "language",
    "LEADERBOT_HTTP_PORT": "http_port",
    "LEADERBOT_HTTP_HOST": "http_host",
    "SHARD_COUNT": "shard_count",
    "SHARD_IDS": "shard_ids",
    "LEADERBOT_REFRESHER": "refresher",
    "LEADERBOT_DATABASE_URL": "database_url",
}


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
_KIND_NAMES = {bool: "true/false value", int: "whole number", float: "number", Path: "path", str: "text"}


def _base_type(hint: Any) -> Any:
    """`int | None` -> int: the type a set variable converts to (unset ones keep the field's default)."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def convert(env_name: str, hint: Any, raw: str) -> Any:
    """One environment value as the field's real type (from its type hint, not its annotation's text)."""
    if get_origin(hint) is tuple:  # a comma-separated list: "huggingface.co, hf.co", "0, 1"
        parts = tuple(part.strip() for part in raw.split(",") if part.strip())
        item = get_args(hint)[0]
        if item is int:
            try:
                return tuple(int(part) for part in parts)
            except ValueError:
                raise SettingsError(f"{env_name}={raw!r} is not a list of whole numbers (e.g. 0,1)") from None
        return parts
    kind = _base_type(hint)
    text = raw.strip()
    try:
        if kind is bool:
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(raw)
            return text.lower() in _TRUE
        if kind in (int, float):
            return kind(text)
        if kind is Path:
            return Path(text).expanduser()
    except ValueError:
        raise SettingsError(f"{env_name}={raw!r} is not a valid {_KIND_NAMES.get(kind, kind)}") from None
    if kind is not str:
        raise TypeError(f"no conversion for {env_name}'s type {hint!r}")
    return text


def warn_if_readable_by_others(path: Path) -> None:
    """`.env` holds the bot's token: say so when other users of the machine can read it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("%s can be read by other users of this machine and may hold the bot's token: chmod 600 %s",
                    path, path)  # fmt: skip


def load_settings(env_file: str | Path | None = ".env", environ: dict[str, str] | None = None) -> Settings:
    """Real environment variables win over `.env`, so a deployment can override a developer's file."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        warn_if_readable_by_others(Path(env_file))
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    # an exported but empty variable (`DISCORD_TOKEN=`) does not hide the value in `.env`
    values.update({k: v for k, v in (os.environ if environ is None else environ).items() if v.strip()})
    hints = get_type_hints(Settings)
    kwargs = {}
    for env_name, field_name in ENV_NAMES.items():
        raw = values.get(env_name)
        if raw is not None and raw.strip() != "":
            kwargs[field_name] = convert(env_name, hints[field_name], raw)
    return Settings(**kwargs)
