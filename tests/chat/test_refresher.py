"""Many machines, one store: three bot processes on one PostgreSQL (two "machines": shards 0-1 and 2-3 of 6 on
one, 4-5 on the other), no LEADERBOT_REFRESHER set. Whoever holds the store's refresher lock fetches; the others
only look at the store. The refresher is killed; the next refresh happens once, in another process, and every
digest goes out once, from the process whose shard holds the server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hub_server import HubServer

from db.postgres import REFRESHER_LOCK
from db.store import Store
from tests.chat.bot_process import guild_of
from tests.chat.test_alerts import next_board
from tests.chat.test_refresh_job import publish
from tests.postgres import Cluster

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 6
PROCESSES = {"a": (0, 1), "b": (2, 3), "c": (4, 5)}  # a and b: one machine; c: the other


class BotProcess:
    def __init__(self, child: asyncio.subprocess.Process) -> None:
        self.child = child

    async def answer(self) -> dict[str, Any]:
        assert self.child.stdout is not None
        line = await asyncio.wait_for(self.child.stdout.readline(), 60)
        assert line, "the bot process ended early"
        return json.loads(line)

    async def ask(self, command: str) -> dict[str, Any]:
        assert self.child.stdin is not None
        self.child.stdin.write(f"{command}\n".encode())
        await self.child.stdin.drain()
        return await self.answer()

    async def quit(self) -> None:
        """Stop it as a process is stopped: its bot closed, its store too; it must end cleanly."""
        assert self.child.stdin is not None
        self.child.stdin.write(b"quit\n")
        await self.child.stdin.drain()
        assert await asyncio.wait_for(self.child.wait(), 60) == 0


async def start(url: str, shards: tuple[int, ...], hub: HubServer) -> BotProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERBOT_")}  # nothing set by hand
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.chat.bot_process", url, str(SHARDS), ",".join(map(str, shards)), hub.url,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT, env=env,
    )  # fmt: skip
    process = BotProcess(child)
    ready = await process.answer()
    assert ready["ready"] and ready["digests"] == {str(s): [] for s in shards}
    return process


def lock_holders(url: str) -> int:
    """How many sessions hold the refresher lock (the server lets a dead client's go when its socket closes)."""
    with psycopg.connect(url) as conn:
        (count,) = conn.execute(  # type: ignore[misc]
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s",
            [REFRESHER_LOCK & 0xFFFFFFFF],
        ).fetchone()
    return count


@pytest.mark.slow
async def test_the_refresher_dies_and_the_next_refresh_and_every_digest_happen_once(
    postgres_cluster: Cluster, seeded_postgres: str
) -> None:
    url = postgres_cluster.create_database("three_bots", template=seeded_postgres)
    processes: dict[str, BotProcess] = {}
    try:
        async with HubServer() as hub:
            for name, shards in PROCESSES.items():  # one after another: a asks for the lock first
                processes[name] = await start(url, shards, hub)
            publish(hub, next_board("2025-01-07", new_leader="DeepSeek-V3"))
            first = {name: await p.ask("refresh") for name, p in processes.items()}
            assert [name for name, r in first.items() if r["refreshed"]] == ["a"]  # one fetch, by the lock's holder
            looked = {name: await p.ask("look") for name, p in processes.items()}
            leader = "New #1 on Arena Text (no style control): DeepSeek-V3"
            for name, shards in PROCESSES.items():
                assert looked[name]["digests"] == {str(s): [leader] for s in shards}, name

            processes["a"].child.send_signal(signal.SIGKILL)  # the refresher's machine goes down
            await processes["a"].child.wait()
            for _ in range(500):  # the server notices the closed socket within moments
                if lock_holders(url) == 0:
                    break
                await asyncio.sleep(0.01)
            publish(hub, next_board("2025-01-14", new_leader="Gemini-Exp-1206"))
            second = {name: await processes[name].ask("refresh") for name in ("b", "c")}
            assert [name for name, r in second.items() if r["refreshed"]] == ["b"]  # the lock passed, once
            assert (await processes["c"].ask("refresh"))["refreshed"] is False  # and stays with b
            again = {name: await processes[name].ask("look") for name in ("b", "c")}
            after = "New #1 on Arena Text (no style control): Gemini-Exp-1206"
            for name in ("b", "c"):
                assert again[name]["digests"] == {str(s): [leader, after] for s in PROCESSES[name]}, name
            for name in ("b", "c"):
                await processes[name].quit()
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.child.kill()
            await process.child.wait()
    with Store(url) as store:
        boards = [s.as_of for s in store.snapshots("arena-raw", "overall")]
        assert boards.count("2025-01-07") == boards.count("2025-01-14") == 1  # each board fetched and stored once
        newest = store.latest_snapshot("arena-raw", "overall")
        for subscription in store.subscriptions():
            dead = subscription.guild_id in {guild_of(s, SHARDS) for s in PROCESSES["a"]}
            # a's servers wait for the process that takes over their shards; the others are told everything
            assert subscription.last_snapshot_id != newest.id if dead else subscription.last_snapshot_id == newest.id
            assert subscription.sending_snapshot_id is None
