"""The systemd units in deploy/: the bot and its backup use one store, whatever `.env` (copied from .env.example,
as the README says) holds.

systemd's rules, applied here as systemd applies them: a variable from `EnvironmentFile=` overrides the same one
from `Environment=` (systemd.exec(5)), and an empty one is still set. The bot then reads `.env` in its working
folder itself, and an option on its command line wins over both. The test reads the units, builds each process's
environment by those rules, and asks Leaderbot's own settings which store each would open.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from bot.cli import parser
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
STORE = Path("/var/lib/leaderbot/leaderbot.db")
LEADERBOT = "/opt/leaderbot/.venv/bin/leaderbot"


def service(name: str) -> dict[str, list[str]]:
    """A unit's [Service] settings, each key with every value it is given (in order)."""
    values: dict[str, list[str]] = {}
    section = None
    for text in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = text.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def leaderbot_args(exec_start: str) -> list[str]:
    """The arguments `leaderbot` gets from an ExecStart= line, also inside `/bin/sh -c '... && leaderbot ...'`."""
    words = shlex.split(exec_start.replace("%%", "%"))
    if words[:2] == ["/bin/sh", "-c"]:
        words = shlex.split(words[2])
    start = words.index(LEADERBOT) + 1
    end = next((i for i in range(start, len(words)) if words[i] in ("&&", ";", "||")), len(words))
    return words[start:end]


def store_of(unit: str, env_file: Path, tmp_path: Path) -> Path:
    """The store the unit's `leaderbot` opens, with `env_file` as the /opt/leaderbot/.env systemd reads."""
    settings = service(unit)
    environ: dict[str, str] = {}
    for assignment in settings.get("Environment", []):
        for word in shlex.split(assignment):
            key, _, value = word.partition("=")
            environ[key] = value
    if settings.get("EnvironmentFile"):  # read after Environment=: its variables override those
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                environ[key] = value
    # the bot reads `.env` in its working folder itself: /opt/leaderbot/.env for the bot, none for the backup
    working = Path(settings["WorkingDirectory"][0])
    own_env = env_file if working == Path("/opt/leaderbot") else tmp_path / "no.env"
    args = parser().parse_args(leaderbot_args(settings["ExecStart"][0]))
    return load_settings(own_env, environ).with_overrides(db_path=args.db).db_path


def test_the_bot_and_its_backup_use_one_store_with_env_copied_from_the_example(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env)
    env.chmod(0o600)
    assert "\nLEADERBOT_DB=\n" in env.read_text(encoding="utf-8")  # the empty line that used to win
    assert store_of("leaderbot.service", env, tmp_path) == STORE
    assert store_of("leaderbot-backup.service", env, tmp_path) == STORE


def test_a_store_path_set_in_env_does_not_split_them_either(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=x\nLEADERBOT_DB=/somewhere/else.db\n", encoding="utf-8")
    env.chmod(0o600)
    assert store_of("leaderbot.service", env, tmp_path) == store_of("leaderbot-backup.service", env, tmp_path)


def test_the_backup_runs_leaderbot_backup_and_the_bot_leaderbot_run() -> None:
    assert leaderbot_args(service("leaderbot.service")["ExecStart"][0])[-1] == "run"
    assert "backup" in leaderbot_args(service("leaderbot-backup.service")["ExecStart"][0])
