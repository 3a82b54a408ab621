"""Progress read from the outbox: counts of one digest, and why its next message waits."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.delivery.outbox import RATE_LIMITED, Outbox, RowState
from bot.core.delivery.poster import Posted
from bot.core.delivery.progress import read_progress
from bot.storage.sqlite.store import Store
from tests.fakes.clock import FakeClock

DAY = dt.date(2026, 1, 5)
PAPERS = ["2601.01234", "2601.02345", "2601.03456"]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "p.db") as opened:
        yield opened


async def test_counts_failures_and_the_wait_of_the_next_message(store: Store) -> None:
    clock = FakeClock()
    outbox = Outbox(store, clock)
    await outbox.plan("slack", "C1", DAY, PAPERS)
    header = await outbox.head("slack", "C1")
    assert header is not None and await outbox.claim(header)
    await outbox.mark_sent(header, Posted("1.0"))
    first = await outbox.head("slack", "C1")
    assert first is not None and await outbox.claim(first)
    await outbox.mark_failed(first, "invalid_blocks")
    second = await outbox.head("slack", "C1")
    assert second is not None and await outbox.claim(second)
    await outbox.retry_later(second, f"{RATE_LIMITED} (HTTP 429)", 12, counts=False)
    progress = await read_progress(store, clock, "slack", "C1", DAY)
    assert (progress.total, progress.sent, progress.failed, progress.pending) == (4, 1, 1, 2)
    assert progress.failures == ((PAPERS[0], "invalid_blocks"),)
    assert progress.head is not None and progress.head.paper == PAPERS[1]
    assert progress.wait == 12 and not progress.finished and not progress.stuck
    assert progress.why() == "rate limited by the platform: waiting 12 s (Retry-After)"


async def test_a_paused_channel_is_stuck_and_a_finished_day_says_nothing(store: Store) -> None:
    clock = FakeClock()
    outbox = Outbox(store, clock)
    await outbox.plan("discord", "9", DAY, PAPERS[:1])
    await outbox.pause("discord", "9", "missing_access")
    stuck = await read_progress(store, clock, "discord", "9", DAY)
    assert stuck.stuck and stuck.paused == "missing_access"
    assert stuck.why() == "channel paused: missing_access; fix it, then `paperbot retry`"
    await outbox.requeue("discord")
    while (row := await outbox.head("discord", "9")) is not None:
        assert await outbox.claim(row)
        await outbox.mark_sent(row, Posted(f"m{row.position}"))
    done = await read_progress(store, clock, "discord", "9", DAY)
    assert done.finished and done.head is None and done.why() is None
    assert (done.sent, done.pending, done.paused) == (2, 0, None)
    assert await outbox.states("discord", "9", DAY) == {
        "header": RowState.SENT,
        PAPERS[0]: RowState.SENT,
    }
