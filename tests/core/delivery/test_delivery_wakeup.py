"""Work planned while the worker is busy starts at once: a poke, and the commits that cause one.

``serve`` drains every channel in its own task; a channel planned meanwhile (by this process,
or by ``paperbot post`` in another) must not wait for a slow channel's back-off to end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.console import Console

from bot.console.poster import ConsolePoster
from bot.core.archive.ingest import ingest_file
from bot.core.delivery.commit_watch import CommitWatch
from bot.core.delivery.outbox import RowState
from bot.core.delivery.worker import Worker
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import SteppedClock

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
DAY = dt.date(2026, 1, 5)
START = 1_767_225_600.0


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "w.db") as opened:
        done = await ingest_file(opened, EXAMPLE)
        assert done.result is not None
        yield opened


async def states(worker: Worker, channel: str) -> set[RowState]:
    return set((await worker.outbox.states("console", channel, DAY)).values())


async def test_a_channel_planned_while_another_backs_off_is_sent_at_once(store: Store) -> None:
    clock = SteppedClock(START)
    shown = io.StringIO()
    worker = Worker(store, {"console": ConsolePoster(Console(file=shown))}, clock)
    papers = ["2601.01234", "2601.02345", "2601.03456"]
    await worker.outbox.plan("console", "slow", DAY, papers)
    head = await worker.outbox.head("console", "slow")
    assert head is not None and await worker.outbox.claim(head)
    await worker.outbox.retry_later(head, "HTTP 503", 100)  # backing off for 100 s
    run = asyncio.create_task(worker.run_until_idle())
    await asyncio.sleep(0.01)  # the slow channel's drain is asleep on the clock now
    await worker.outbox.plan("console", "fresh", DAY, papers)
    worker.poke()
    for _ in range(1000):  # the fresh channel drains while the clock stands still
        if await states(worker, "fresh") == {RowState.SENT}:
            break
        await asyncio.sleep(0.01)
    assert await states(worker, "fresh") == {RowState.SENT}
    assert await states(worker, "slow") == {RowState.PENDING}
    assert clock.now() == START
    await clock.advance_to(START + 100)
    report = await asyncio.wait_for(run, 10)
    assert await states(worker, "slow") == {RowState.SENT}
    assert report.sent == 8 and "작은 언어 모델" in shown.getvalue()


async def test_a_commit_by_another_connection_is_noticed(store: Store, tmp_path: Path) -> None:
    version = await store.watch_version()
    noticed = asyncio.Event()
    watch = CommitWatch(version, noticed.set, interval=0.01)
    task = asyncio.create_task(watch.run())
    try:
        # another process's connection, as `paperbot post` would commit its plan
        async with Store.open(tmp_path / "w.db") as other, other.transaction() as conn:
            await conn.execute("INSERT INTO leases VALUES ('x', 'someone', 0)")
        await asyncio.wait_for(noticed.wait(), 10)
    finally:
        watch.stop()
        await asyncio.wait_for(task, 10)
        version.close()
