"""The delivery worker, branch by branch, on a real store and an in-memory poster.

No HTTP here: :class:`~tests.fakes.memory_poster.MemoryPoster` is a whole Poster that keeps
its messages in lists and is told what its next sends do, so every way a send can end (sent,
429, transient, channel gone, rejected, lost answer) is driven directly, on a
:class:`~tests.fakes.clock.FakeClock`; rows a crash left ``sending`` are in test_reconcile.py.
The adapters' own tests prove the same against the platform fakes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.cards.card import Card, DigestHeaderCard
from bot.core.delivery.lease import Lease
from bot.core.delivery.outbox import RowState
from bot.core.delivery.pacing import Pacer, Pacing
from bot.core.delivery.poster import (
    ChannelUnavailable,
    MessageRejected,
    RateLimited,
    TransientError,
)
from bot.core.delivery.worker import RetryPolicy
from bot.storage.sqlite.store import Store
from tests.core.delivery.drain_setup import (
    ALL,
    DAY,
    PAPERS,
    eventually,
    failures,
    open_archive,
    plan,
    states,
    worker_for,
)
from tests.fakes.clock import FakeClock, SteppedClock
from tests.fakes.memory_poster import MemoryPoster


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_archive(tmp_path) as opened:
        yield opened


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_the_header_then_the_cards_in_order_once(
    store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    report = await worker.run_until_idle()
    again = await worker.run_until_idle()
    assert (report.sent, report.retried, report.failed, report.reconciled) == (4, 0, 0, 0)
    assert again.sent == 0 and len(poster.attempts) == 4
    assert poster.messages("C1") == ALL
    assert [m.message_id for m in poster.stored] == ["m1", "m2", "m3", "m4"]
    assert await states(worker) == [RowState.SENT] * 4
    assert "memory:C1: the 2026-01-05 digest delivered (4 messages)" in caplog.text


async def test_a_429_waits_retry_after_and_does_not_count_as_a_try(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock, policy=RetryPolicy(max_attempts=2))
    await plan(worker)
    poster.script(*[RateLimited("ratelimited", 30)] * 3, TransientError("503"))
    report = await worker.run_until_idle()
    # three 429s and a 503 on the header: with 429s counted, 2 tries would have failed it
    assert (report.sent, report.retried, report.failed) == (4, 4, 0)
    assert clock.slept[:3] == [30, 30, 30]
    assert [a.paper for a in poster.attempts] == ["header"] * 5 + PAPERS


async def test_transient_errors_back_off_until_the_last_try_fails_the_row(
    store: Store, clock: FakeClock
) -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=2.0, max_delay=300.0)
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock, policy=policy)
    await plan(worker)
    poster.script(*[TransientError("HTTP 503")] * 3)
    report = await worker.run_until_idle()
    same = random.Random(7)
    assert clock.slept == pytest.approx([policy.delay(1, same), policy.delay(2, same)])
    assert 1.0 <= clock.slept[0] <= 2.0 and 2.0 <= clock.slept[1] <= 4.0
    assert (report.sent, report.retried, report.failed) == (3, 2, 1)
    assert await failures(worker) == [(DAY.isoformat(), "header", "HTTP 503 (after 3 tries)")]
    assert poster.messages("C1") == PAPERS  # a failed header does not hold up the cards


async def test_an_unexpected_exception_is_logged_and_retried_as_transient(
    store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    poster.script(KeyError("a bug in an adapter"))
    report = await worker.run_until_idle()
    assert (report.sent, report.retried, report.failed) == (4, 1, 0)
    assert "unexpected error posting header to C1" in caplog.text
    assert "KeyError: 'a bug in an adapter'" in caplog.text  # with its traceback


async def test_an_unavailable_channel_pauses_alone_until_requeued(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker, "C1")
    await plan(worker, "C2")
    poster.script(ChannelUnavailable("not_in_channel"), channel="C1")
    report = await worker.run_until_idle()
    assert report.paused == ["memory:C1"] and report.sent == 4
    assert poster.messages("C1") == [] and poster.messages("C2") == ALL
    assert await worker.outbox.is_paused("memory", "C1") == "not_in_channel"
    assert await states(worker, "C1") == [RowState.PENDING] * 4  # nothing lost, nothing failed
    assert (await worker.run_until_idle()).sent == 0  # paused stays paused

    (requeued,) = await worker.outbox.requeue("memory", "C1")
    assert (requeued.requeued, requeued.resumed) == (0, "not_in_channel")
    assert (await worker.run_until_idle()).sent == 4
    assert poster.messages("C1") == ALL


async def test_an_unnamed_channel_error_pauses_with_its_kind(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    poster.script(ChannelUnavailable())
    assert (await worker.run_until_idle()).paused == ["memory:C1"]
    assert await worker.outbox.is_paused("memory", "C1") == "ChannelUnavailable"


async def test_a_rejected_message_fails_alone_and_the_next_card_goes(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    poster.script(None, MessageRejected("invalid_blocks"))
    report = await worker.run_until_idle()
    assert (report.sent, report.retried, report.failed) == (3, 0, 1)
    assert poster.messages("C1") == ["header", *PAPERS[1:]]
    assert await failures(worker) == [(DAY.isoformat(), PAPERS[0], "invalid_blocks")]
    assert len(poster.attempts) == 4  # never retried


async def test_rows_gone_from_the_archive_fail_without_a_send(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker, papers=["2601.99999"])  # a paper this digest does not have
    await worker.outbox.plan("memory", "C2", DAY + dt.timedelta(days=1), PAPERS[:1])  # no digest
    report = await worker.run_until_idle()
    assert (report.sent, report.failed) == (1, 3)
    assert poster.messages("C1") == ["header"] and poster.messages("C2") == []
    assert {reason for _, _, reason in await failures(worker)} == {"no longer in the archive"}


async def test_cards_come_from_the_archive_with_the_sections_planned(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker, papers=PAPERS[1:2], sections=["limitations", "results"])
    await worker.run_until_idle()
    header, card = (m.item for m in poster.stored)
    assert header == DigestHeaderCard(DAY, 3)
    assert isinstance(card, Card) and (card.arxiv_id, card.position, card.total) == (
        PAPERS[1],
        2,
        3,
    )
    assert [s.key.value for s in card.sections] == ["results", "limitations"]


async def test_in_thread_cards_go_under_the_day_s_header(store: Store, clock: FakeClock) -> None:
    poster = MemoryPoster(clock, threads=True)
    worker = worker_for(store, poster, clock)
    await plan(worker, in_thread=True)
    await plan(worker, "C2")  # the same poster, a channel planned without threads
    report = await worker.run_until_idle()
    assert report.sent == 8
    assert poster.messages("C1") == ["header"]
    header = poster.stored[[m.where for m in poster.stored].index("C1")].message_id
    assert poster.messages(header) == PAPERS
    c1 = [a.thread for a in poster.attempts if a.channel == "C1"]
    assert c1 == [None, header, header, header]
    assert poster.messages("C2") == ALL


async def test_a_deadline_leaves_a_channel_waiting_for_the_next_run(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker, "C1")
    await plan(worker, "C2")
    poster.script(TransientError("HTTP 502"), channel="C1")
    report = await worker.run_until_idle(deadline=clock.now() + 0.1)
    assert report.waiting == ["memory:C1"] and report.sent == 4  # C2 was not held up
    assert await states(worker, "C1") == [RowState.PENDING] * 4
    later = await worker.run_until_idle()
    assert later.sent == 4 and later.waiting == []
    assert poster.messages("C1") == ALL


async def test_a_lost_lease_stops_the_worker_after_the_send_in_flight(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clock = SteppedClock(1_767_225_600.0)
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    lease = Lease(store, clock, "delivery:memory", ttl=30.0)
    assert await lease.acquire()
    poster.gate = asyncio.Event()
    run = asyncio.create_task(worker.run_until_idle(lease))
    await asyncio.wait_for(poster.held.wait(), 10)  # the header is being sent
    await lease.release()  # as if it had expired...
    assert await Lease(store, clock, "delivery:memory").acquire()  # ... and been taken over
    await clock.advance_to(clock.now() + 10.0)  # the worker's renewal is due
    await eventually(lambda: worker.stopping, "the worker stopping")
    poster.gate.set()
    report = await asyncio.wait_for(run, 10)
    assert report.sent == 1 and poster.messages("C1") == ["header"]
    assert await states(worker) == [RowState.SENT] + [RowState.PENDING] * 3
    assert "lost the delivery lease to another process; stopping" in caplog.text


async def test_a_renewed_lease_keeps_the_worker_going(store: Store) -> None:
    clock = SteppedClock(1_767_225_600.0)
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    lease = Lease(store, clock, "delivery:memory", ttl=30.0)
    assert await lease.acquire()
    poster.gate = asyncio.Event()
    run = asyncio.create_task(worker.run_until_idle(lease))
    await asyncio.wait_for(poster.held.wait(), 10)
    start = clock.now()
    await clock.advance_to(start + 25.0)  # renewals while the send hangs
    renewed = False
    for _ in range(1000):
        holder = await lease.holder()
        assert holder is not None and holder[0] == lease.owner
        if renewed := holder[1] > start + 30.0:
            break
        await asyncio.sleep(0.01)
    assert renewed and not worker.stopping
    poster.gate.set()
    assert (await asyncio.wait_for(run, 10)).sent == 4


async def test_pacing_spaces_a_channel_s_sends(store: Store, clock: FakeClock) -> None:
    poster = MemoryPoster(clock)
    pacer = Pacer(clock, Pacing(per_channel=0.5))
    worker = worker_for(store, poster, clock, pacers={"memory": pacer})
    await plan(worker)
    await worker.run_until_idle()
    times = [a.now - poster.attempts[0].now for a in poster.attempts]
    assert times == pytest.approx([0.0, 2.0, 4.0, 6.0])


async def test_only_the_channels_asked_for_and_only_platforms_with_a_poster(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker, "C1")
    await plan(worker, "C2")
    await worker.outbox.plan("elsewhere", "C1", DAY, PAPERS)
    report = await worker.run_until_idle(only={("memory", "C2")})
    assert report.sent == 4 and poster.messages("C1") == [] and poster.messages("C2") == ALL
    report = await worker.run_until_idle()
    assert report.sent == 4 and poster.messages("C1") == ALL
    assert set((await worker.outbox.states("elsewhere", "C1", DAY)).values()) == {RowState.PENDING}


async def test_a_stopped_worker_starts_nothing(store: Store, clock: FakeClock) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    worker.stop()
    assert worker.stopping
    assert (await worker.run_until_idle()).sent == 0 and poster.attempts == []
