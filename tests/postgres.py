"""A throwaway PostgreSQL server for the tests, started by the suite itself (`initdb`, `pg_ctl`): one per pytest-xdist
worker, on a free port of 127.0.0.1, trusting 127.0.0.1 only, its data in a temporary folder, stopped and removed
when the session ends (or the process exits, however it stops).

PostgreSQL refuses to run as root: as root (as CI and the dev machines run the suite), the server runs as the
`postgres` user (`runuser -u postgres --`); as another user, as that user. A server that cannot start fails every
test that needs it, with the reason: a run that skipped them would pass without testing PostgreSQL at all. Only
LEADERBOT_TEST_POSTGRES=absent (said on purpose, for a machine without PostgreSQL) skips them instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

ABSENT_VARIABLE = "LEADERBOT_TEST_POSTGRES"  # "absent": no PostgreSQL here, skip its tests (never set in CI)
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The throwaway server could not be started; the message says why."""


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise PostgresUnavailable(f"{name} not found: install PostgreSQL (15 or newer) or set {ABSENT_VARIABLE}=absent")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One running server: `url(name)` for a database on it, `create_database` (from a template) to make one."""

    def __init__(self) -> None:
        as_root = os.geteuid() == 0
        self._prefix = ["runuser", "-u", SERVER_USER, "--"] if as_root else []
        self.root = Path(tempfile.mkdtemp(prefix="leaderbot-pg-"))
        if as_root:
            try:
                entry = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(f"running as root, and no {SERVER_USER!r} user to run it as") from None
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.data = self.root / "data"
        self.port = 0
        self._started = False
        atexit.register(self.stop)
        self._run(
            _tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        # trust on the loopback address only: initdb's `-A trust` also lets local sockets in, which we never open
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        for attempt in range(3):
            self.port = _free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run(_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w",
                          "-t", "30", "start")  # fmt: skip
                self._started = True
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._prefix, *command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise PostgresUnavailable(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout)[-800:]}{tail}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """A new database (a copy of `template`, file by file: quicker than PostgreSQL 15's WAL-logged copy for
        a template this small); returns its URL."""
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')  # type: ignore[arg-type]
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and remove its folder."""
        if self._started:
            self._started = False
            with contextlib.suppress(PostgresUnavailable):
                self._run(_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def postgres_absent() -> bool:
    """Whether the run said on purpose that this machine has no PostgreSQL (its tests are then skipped)."""
    return os.environ.get(ABSENT_VARIABLE, "").strip().lower() == "absent"
