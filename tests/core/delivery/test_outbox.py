"""The outbox plans idempotently, walks rows in digest order and survives a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.delivery.lease import (
    Lease,
    LeaseHeld,
    delivery_holders,
    delivery_lease,
    describe_owner,
)
from bot.core.delivery.outbox import Outbox, Requeued, RowState
from bot.core.delivery.poster import Posted
from bot.storage.sqlite.store import Store
from tests.fakes.clock import FakeClock

DAY = dt.date(2026, 1, 5)
PAPERS = ["2601.01234", "2601.02345", "2601.03456"]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "o.db") as opened:
        yield opened


async def test_planning_twice_plans_nothing_new(store: Store) -> None:
    outbox = Outbox(store, FakeClock())
    assert await outbox.plan("slack", "C1", DAY, PAPERS) == 4
    assert await outbox.plan("slack", "C1", DAY, PAPERS) == 0
    assert await outbox.plan("slack", "C2", DAY, PAPERS) == 4
    assert await outbox.plan("slack", "C1", DAY + dt.timedelta(days=1), PAPERS[:1]) == 2


async def test_rows_go_in_digest_order_and_failed_rows_do_not_block(store: Store) -> None:
    outbox = Outbox(store, FakeClock())
    await outbox.plan("discord", "9", DAY, PAPERS)
    seen = []
    while (row := await outbox.head("discord", "9")) is not None:
        assert await outbox.claim(row)
        assert not await outbox.claim(row)  # a second claim of the same attempt loses
        seen.append(row.paper)
        if row.paper == PAPERS[1]:
            await outbox.mark_failed(row, "invalid_blocks")
        else:
            await outbox.mark_sent(row, Posted(f"m-{row.position}"))
    assert seen == ["header", *PAPERS]
    (status,) = await outbox.status()
    assert status.failed == ((DAY.isoformat(), PAPERS[1], "invalid_blocks"),)
    assert (status.pending, status.sending, status.last_delivered) == (0, 0, DAY.isoformat())


async def test_an_interrupted_send_comes_back_first(store: Store, tmp_path: Path) -> None:
    outbox = Outbox(store, FakeClock())
    await outbox.plan("slack", "C1", DAY, PAPERS)
    row = await outbox.head("slack", "C1")
    assert row is not None and await outbox.claim(row)
    # A restart: a new Outbox over the same file sees the row still 'sending', ahead of all.
    async with Store.open(tmp_path / "o.db") as reopened:
        again = await Outbox(reopened, FakeClock()).head("slack", "C1")
    assert again is not None and again.id == row.id and again.state is RowState.SENDING


async def test_retry_later_and_requeue(store: Store) -> None:
    clock = FakeClock()
    outbox = Outbox(store, clock)
    await outbox.plan("slack", "C1", DAY, PAPERS[:1])
    row = await outbox.head("slack", "C1")
    assert row is not None and await outbox.claim(row)
    await outbox.retry_later(row, "HTTP 503", 30)
    waiting = await outbox.head("slack", "C1")
    assert waiting is not None and waiting.not_before == clock.now() + 30
    assert waiting.state is RowState.PENDING and waiting.last_error == "HTTP 503"
    await outbox.mark_failed(waiting, "gave up")
    await outbox.pause("slack", "C1", "not_in_channel")
    assert await outbox.heads() == []
    assert await outbox.requeue("slack") == [Requeued("slack", "C1", 1, "not_in_channel")]
    assert await outbox.requeue("slack") == []  # nothing failed, nothing paused: nothing done
    assert await outbox.is_paused("slack", "C1") is None
    assert [(h.platform, h.channel) for h in await outbox.heads()] == [("slack", "C1")]


async def test_lease_excludes_a_second_process_until_expiry(store: Store) -> None:
    clock = FakeClock()
    first, second = Lease(store, clock, ttl=30), Lease(store, clock, ttl=30)
    assert await first.acquire()
    assert not await second.acquire()
    with pytest.raises(LeaseHeld, match="another paperbot process is delivering"):
        await second.acquire_or_wait(patience=5)
    clock.advance(31)  # the first process died without renewing
    assert await second.acquire()
    assert not await first.renew()  # it lost the lease and must stop sending
    await second.release()
    assert await first.acquire()


async def test_a_lease_held_by_a_dead_process_on_this_host_is_taken_over(store: Store) -> None:
    clock = FakeClock()
    dead = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await dead.wait()  # a process that has exited: its pid names no one now
    async with store.transaction() as conn:
        await conn.execute(
            "INSERT INTO leases VALUES ('delivery', ?, ?)",
            (f"{socket.gethostname()}:{dead.pid}:killed", clock.now() + 30),
        )
    lease = Lease(store, clock, ttl=30)
    await lease.acquire_or_wait(patience=5)
    assert clock.slept == []  # taken over at once, no waiting for expiry
    holder = await lease.holder()
    assert holder is not None and holder[0] == lease.owner


async def test_each_platform_has_its_own_delivery_lease(store: Store) -> None:
    """serve holds the leases of the platforms it posts to; post may take another's."""
    clock = FakeClock()
    platforms = [delivery_lease("console"), delivery_lease("discord")]
    served = Lease(store, clock, platforms, role="serve")
    assert await served.acquire()
    posting = Lease(store, clock, delivery_lease("slack"), role="post")
    assert await posting.try_acquire()  # nobody delivers to Slack: post sends itself
    beside = Lease(store, clock, delivery_lease("discord"), role="post")
    assert not await beside.try_acquire()  # serve delivers to Discord
    (owner,) = (await beside.holders()).values()
    assert owner == served.owner
    assert describe_owner(owner) == f"paperbot serve (pid {os.getpid()})"
    holders = await delivery_holders(store, clock)
    assert holders == {"console": served.owner, "discord": served.owner, "slack": posting.owner}


async def test_several_leases_are_taken_all_together_or_not_at_all(store: Store) -> None:
    clock = FakeClock()
    slack = Lease(store, clock, delivery_lease("slack"))
    assert await slack.acquire()
    both = Lease(store, clock, [delivery_lease("console"), delivery_lease("slack")])
    assert not await both.acquire()
    assert await delivery_holders(store, clock) == {"slack": slack.owner}  # console not taken
    await slack.release()
    assert await both.acquire() and await both.renew()
    await both.release()
    assert await delivery_holders(store, clock) == {}
