"""A throwaway PostgreSQL server for the tests, started by the suite itself (`initdb`, `pg_ctl`): one per test run,
shared by its pytest-xdist workers, on a free port of 127.0.0.1, trusting 127.0.0.1 only, its data in a temporary
folder. The first worker that needs it starts it and seeds the template every test database is copied from; the
others wait on a file lock and attach. Servers are started once per run, not once per worker, because on a
machine with few cores the start-up and the seeding of each worker's own server was a large share of the
PostgreSQL half of the suite. The process that is no worker (the run itself, with or without xdist) stops it when
the session ends (or when it exits, however it stops), since only it outlives every worker.

PostgreSQL refuses to run as root: as root (as CI and the dev machines run the suite), the server runs as the
`postgres` user (`runuser -u postgres --`); as another user, as that user. A server that cannot start fails every
test that needs it, with the reason: a run that skipped them would pass without testing PostgreSQL at all. Only
LEADERBOT_TEST_POSTGRES=absent (said on purpose, for a machine without PostgreSQL) skips them instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg

ABSENT_VARIABLE = "LEADERBOT_TEST_POSTGRES"  # "absent": no PostgreSQL here, skip its tests (never set in CI)
MEMORY_FOLDER = "/dev/shm"  # a shared-memory file system (tmpfs) on Linux
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The throwaway server could not be started; the message says why."""


def tool(name: str) -> str:
    """Where a PostgreSQL program is: on PATH, else in the newest of Debian's versioned folders."""
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
    """A running server: `url(name)` for a database on it, `create_database` (from a template) to make one.
    `Cluster.start()` starts a new one; `Cluster(root, port)` is a handle on one already running (started by
    another worker of the run)."""

    def __init__(self, root: Path, port: int) -> None:
        self._prefix = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        self.root, self.data, self.port = root, root / "data", port

    @classmethod
    def start(cls, *, autovacuum: bool = True, in_memory: bool = False) -> Cluster:
        """initdb and start a new server; its folder is removed again if it cannot start. The suite's runs
        without autovacuum (`shared_template` says why); a benchmark's keeps it, as a real server would. The
        suite's is `in_memory` where the machine has a shared-memory file system: each test's database is a copy
        of the template's files, and on a disk's file system that copy is mostly the kernel's work (writing the
        files back)."""
        parent = MEMORY_FOLDER if in_memory and os.access(MEMORY_FOLDER, os.W_OK) else None
        cluster = cls(Path(tempfile.mkdtemp(prefix="leaderbot-pg-", dir=parent)), 0)
        try:
            cluster._start(autovacuum)
        except BaseException:
            shutil.rmtree(cluster.root, ignore_errors=True)
            raise
        return cluster

    def _start(self, autovacuum: bool) -> None:
        if self._prefix:
            try:
                entry = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(f"running as root, and no {SERVER_USER!r} user to run it as") from None
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        # trust on the loopback address only: initdb's `-A trust` also lets local sockets in, which we never open
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        for attempt in range(3):
            self.port = _free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
                f" -c autovacuum={'on' if autovacuum else 'off'}"
            )
            try:
                self._run(tool("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w",
                          "-t", "30", "start")  # fmt: skip
                return
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

    def create_database(self, name: str, *, template: str | None = None, locale: str | None = None) -> str:
        """A new database (a copy of `template`, file by file: quicker than PostgreSQL 15's WAL-logged copy for
        a template this small), or one of another `locale` than the server's C (copied from template0, the one
        template any locale may copy); returns its URL."""
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        if locale is not None:
            copy = f" TEMPLATE template0 LOCALE '{locale}'"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')  # type: ignore[arg-type]
        return self.url(name)

    def utf8_locale(self) -> str | None:
        """A UTF-8 locale of this machine other than C (as initdb found them), None if it has none: what a real
        server's databases are in (the postgres image's are en_US.utf8), where lower() folds beyond ASCII."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            found = conn.execute(
                "SELECT collctype FROM pg_collation WHERE collprovider = 'c'"
                " AND collencoding = pg_char_to_encoding('UTF8') AND collctype NOT IN ('C', 'POSIX')"
                " ORDER BY collctype LIMIT 1"
            ).fetchone()
        return None if found is None else found[0]

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and remove its folder."""
        with contextlib.suppress(PostgresUnavailable):
            self._run(tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


RUN_VARIABLE = "LEADERBOT_TEST_POSTGRES_RUN"  # the run's folder of shared state, inherited by its xdist workers
TEMPLATE = "seed"


def run_folder() -> Path:
    """The folder the run's processes share its server's record in: made by the process that is no worker,
    before it starts any, and found by the workers in the environment they inherit."""
    found = os.environ.get(RUN_VARIABLE)
    if found is None:
        found = os.environ[RUN_VARIABLE] = tempfile.mkdtemp(prefix="leaderbot-pg-run-")
    return Path(found)


@contextlib.contextmanager
def _shared_record() -> Iterator[dict[str, str | int]]:
    """The run's record of its server (where it is, its template, or why it could not start), read and written
    by one process at a time under a file lock."""
    folder = run_folder()
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = folder / "cluster.json"
        record = json.loads(path.read_text()) if path.exists() else {}
        try:
            yield record
        finally:
            path.write_text(json.dumps(record))


def shared_cluster() -> Cluster:
    """The run's server: started by the first process that asks, attached to by the others. One that could not
    start is tried once per run; every later ask raises the first attempt's reason."""
    with _shared_record() as record:
        if "error" in record:
            raise PostgresUnavailable(str(record["error"]))
        if "port" not in record:
            try:
                started = Cluster.start(autovacuum=False, in_memory=True)
            except PostgresUnavailable as exc:
                record["error"] = str(exc)
                raise
            record.update(root=str(started.root), port=started.port)
        return Cluster(Path(str(record["root"])), int(record["port"]))


def shared_template(cluster: Cluster, seed: Callable[[str], None]) -> str:
    """The run's template database, `seed(url)` on a new database by the first process that asks, then
    vacuumed and analysed: the server runs without autovacuum (whose workers would visit each of the run's
    hundreds of short-lived databases), so the planner's statistics, which every copy inherits, are made here
    once, as autovacuum would have made them on a real store."""
    with _shared_record() as record:
        if "template" not in record:
            url = cluster.create_database(TEMPLATE)
            seed(url)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            record["template"] = TEMPLATE
        return str(record["template"])


def shared_file(name: str, make: Callable[[Path], None]) -> Path:
    """A file of the run's folder, made by `make(path)` by the first process that asks (the SQLite seed, which
    every worker would otherwise make for itself); the others wait for it and read it."""
    with _shared_record() as record:
        path = run_folder() / name
        if name not in record:
            make(path)
            record[name] = str(path)
        return path


def stop_shared_cluster() -> None:
    """Stop the run's server, if one was started, and remove the run's folder: for the process that is no
    worker, at the end of the session or at its exit."""
    folder = os.environ.get(RUN_VARIABLE)
    if folder is None or not Path(folder).exists():
        return
    with _shared_record() as record:
        if "port" in record:
            Cluster(Path(str(record["root"])), int(record["port"])).stop()
    shutil.rmtree(folder, ignore_errors=True)


class TemplateCopies:
    """Private copies of the template, for one process's tests, the next one always being made in a thread
    while a test runs. A copy is mostly the server waiting on its checkpoints, so made ahead it costs a test
    little; a test waits only when it comes before its copy is done. Dropped copies go the same way."""

    def __init__(self, cluster: Cluster, template: str, prefix: str) -> None:
        self.cluster, self.template, self.prefix = cluster, template, prefix
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-copies")
        self._dropped: list[Future[None]] = []
        self._next = self._make()

    def _make(self) -> tuple[str, Future[str]]:
        name = f"{self.prefix}_{next(self._numbers)}"
        return name, self._thread.submit(self.cluster.create_database, name, template=self.template)

    def take(self) -> tuple[str, str]:
        """A copy of its own for a test: (name, URL)."""
        with self._lock:
            (name, made), self._next = self._next, self._make()
        return name, made.result()

    def drop(self, name: str) -> None:
        self._dropped.append(self._thread.submit(self.cluster.drop_database, name))

    def close(self) -> None:
        """Drop the copy made ahead, wait for every drop, and say if one failed."""
        name, made = self._next
        if made.exception() is None:
            self.drop(name)
        self._thread.shutdown(wait=True)
        for dropped in self._dropped:
            dropped.result()


def postgres_absent() -> bool:
    """Whether the run said on purpose that this machine has no PostgreSQL (its tests are then skipped)."""
    return os.environ.get(ABSENT_VARIABLE, "").strip().lower() == "absent"
