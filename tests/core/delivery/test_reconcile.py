"""Reconciliation, once for every platform: where a lost post is looked for, in what order.

The in-memory poster records every history read (``lookups``), so each path of
:func:`~bot.core.delivery.reconcile.find_posted` and :func:`~.find_recent` is checked by what
it asked, as well as by what it found; then the worker's use of it, for rows a crash left
``sending``, on a real store.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.cards.card import DigestHeaderCard
from bot.core.delivery.outbox import RowState
from bot.core.delivery.poster import (
    ChannelUnavailable,
    DeliveryError,
    Posted,
    PostKey,
    RateLimited,
    TransientError,
)
from bot.core.delivery.reconcile import HEADER_LOOKBACK, RECENT, find_posted, find_recent
from bot.core.delivery.worker import RetryPolicy
from bot.storage.sqlite.store import Store
from tests.core.delivery.drain_setup import (
    ALL,
    DAY,
    PAPERS,
    card,
    key,
    open_archive,
    plan,
    states,
    worker_for,
)
from tests.fakes.clock import FakeClock
from tests.fakes.memory_poster import MemoryPoster

HEADER = DigestHeaderCard(DAY, 3)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_archive(tmp_path) as opened:
        yield opened


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def post_day(poster: MemoryPoster) -> list[Posted]:
    """The header, then three cards: in its thread when the poster has threads."""
    top = await poster.post_header("C1", HEADER, key=key("header"))
    cards = [card(n) for n in range(3)]
    return [top] + [
        await poster.post_card("C1", c, key=key(c.arxiv_id), thread=top.thread_id) for c in cards
    ]


@pytest.mark.parametrize("threads", [False, True])
async def test_every_message_of_a_day_is_found_where_it_was_posted(threads: bool) -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=threads)
    posted = await post_day(poster)
    since = clock.now()
    found = [await find_posted(poster, "C1", key(p), since) for p in ["header", *PAPERS]]
    assert found == posted
    assert found[0] == Posted("m1", "m1" if threads else None)
    assert all(f is not None and f.thread_id == ("m1" if threads else None) for f in found[1:])


async def test_a_card_in_the_channel_is_found_with_one_read() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=True)
    await poster.post_card("C1", card(0), key=key(PAPERS[0]))  # a card outside any thread
    found = await find_posted(poster, "C1", key(PAPERS[0]), clock.now() - 60)
    assert found == Posted("m1", None)
    assert poster.lookups == [("message", "C1", PAPERS[0], clock.now() - 60, None)]


async def test_a_threaded_card_is_looked_for_in_the_channel_then_the_header_s_thread() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=True)
    await poster.post_header("C1", HEADER, key=key("header"))
    clock.advance(HEADER_LOOKBACK - 3600)  # the header opened the day, long before
    paper = PAPERS[1]
    await poster.post_card("C1", card(1), key=key(paper), thread="m1")
    since = clock.now() - 60
    assert await find_posted(poster, "C1", key(paper), since) == Posted("m2", "m1")
    assert poster.lookups == [
        ("message", "C1", paper, since, None),
        ("message", "C1", "header", since - HEADER_LOOKBACK, None),
        ("reply", "m1", paper, since, None),
    ]


async def test_a_header_older_than_the_lookback_is_not_found_nor_its_thread() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=True)
    await poster.post_header("C1", HEADER, key=key("header"))
    clock.advance(HEADER_LOOKBACK + 3600)
    await poster.post_card("C1", card(0), key=key(PAPERS[0]), thread="m1")
    assert await find_posted(poster, "C1", key(PAPERS[0]), clock.now() - 60) is None
    assert [look[0] for look in poster.lookups] == ["message", "message"]


async def test_what_is_not_there_is_not_found_and_reads_only_what_can_hold_it() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=True)
    await post_day(poster)
    later = clock.now() + 1
    assert await find_posted(poster, "C1", key("2601.99999"), clock.now()) is None  # header: yes
    assert await find_posted(poster, "C1", key("header"), later) is None  # too old
    other_day = PostKey("C1", "2026-01-04", "2601.01234")
    assert await find_posted(poster, "C1", other_day, clock.now()) is None  # no header that day
    assert [look[:3] for look in poster.lookups] == [
        ("message", "C1", "2601.99999"),
        ("message", "C1", "header"),
        ("reply", "m1", "2601.99999"),
        ("message", "C1", "header"),  # a header is only ever in the channel
        ("message", "C1", "2601.01234"),
        ("message", "C1", "header"),  # no thread to read
    ]


async def test_without_threads_only_the_channel_is_read() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock)
    await post_day(poster)
    assert await find_posted(poster, "C1", key("2601.99999"), clock.now()) is None
    assert await find_posted(poster, "C2", key(PAPERS[0]), clock.now()) is None
    assert [look[:2] for look in poster.lookups] == [("message", "C1"), ("message", "C2")]


@pytest.mark.parametrize("error", [TransientError("503"), ChannelUnavailable("gone")])
async def test_a_history_that_cannot_be_read_is_an_error_for_the_worker(
    error: DeliveryError,
) -> None:
    poster = MemoryPoster(FakeClock())
    await post_day(poster)
    poster.history_error = error
    with pytest.raises(type(error)):
        await find_posted(poster, "C1", key("header"), 0.0)


async def test_after_an_ambiguous_send_only_the_newest_messages_are_read() -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock, threads=True)
    posted = await post_day(poster)
    for n in range(RECENT):  # someone else's chatter after the header
        await poster.post_header("C1", HEADER, key=PostKey("C1", "chatter", str(n)))
    assert await find_recent(poster, "C1", key("header"), None) is None  # out of reach
    assert await find_recent(poster, "C1", key(PAPERS[2]), "m1") == posted[3].message_id
    assert poster.lookups == [
        ("message", "C1", "header", None, RECENT),
        ("reply", "m1", PAPERS[2], None, RECENT),
    ]


async def test_after_an_ambiguous_send_an_unreadable_history_means_not_found(
    caplog: pytest.LogCaptureFixture,
) -> None:
    poster = MemoryPoster(FakeClock())
    await post_day(poster)
    poster.history_error = TransientError("history: 503")
    assert await find_recent(poster, "C1", key("header"), None) is None
    assert "could not check C1 for a lost post: history: 503" in caplog.text
    assert caplog.records[-1].levelno == logging.WARNING


async def test_a_poster_reports_a_lost_answer_as_the_post_it_was() -> None:
    """What the Slack and Discord posters do with a dropped answer, through find_recent."""
    poster = MemoryPoster(FakeClock(), threads=True)
    poster.lose_next()
    top = await poster.post_header("C1", HEADER, key=key("header"))
    assert top == Posted("m1", "m1")
    poster.lose_next()
    second = await poster.post_card("C1", card(0), key=key(PAPERS[0]), thread="m1")
    assert second == Posted("m2", "m1")
    poster.lose_next()
    poster.history_error = TransientError("history: 503")
    with pytest.raises(TransientError, match="connection lost"):
        await poster.post_card("C1", card(1), key=key(PAPERS[1]), thread="m1")
    assert poster.messages("m1") == PAPERS[:2]  # it did land: only the check failed


# The worker's side: a row a crash left ``sending`` is looked for before anything else.


async def test_a_row_left_sending_is_found_and_recorded_not_resent(
    store: Store, clock: FakeClock
) -> None:
    """A crash after the platform took the header but before the outbox recorded it."""
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    head = await worker.outbox.head("memory", "C1")
    assert head is not None and await worker.outbox.claim(head)
    attempted = clock.now()
    await poster.post_header("C1", DigestHeaderCard(DAY, 3), key=key("header"))
    clock.advance(600)  # the restart
    report = await worker.run_until_idle()
    assert (report.reconciled, report.sent) == (1, 3)
    assert poster.messages("C1") == ALL and len(poster.attempts) == 4  # the header once
    assert poster.lookups[0] == ("message", "C1", "header", attempted - 60.0, None)


async def test_a_row_left_sending_that_is_not_there_is_sent_once(
    store: Store, clock: FakeClock
) -> None:
    """A crash before the platform got the header: it is sent, once."""
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    head = await worker.outbox.head("memory", "C1")
    assert head is not None and await worker.outbox.claim(head)
    report = await worker.run_until_idle()
    assert (report.reconciled, report.sent, report.failed) == (0, 4, 0)
    assert poster.messages("C1") == ALL
    assert [look[:3] for look in poster.lookups] == [("message", "C1", "header")]


async def test_a_threaded_card_left_sending_is_found_in_the_header_s_thread(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock, threads=True)
    worker = worker_for(store, poster, clock)
    await plan(worker, in_thread=True)
    poster.gate = asyncio.Event()
    run = asyncio.create_task(worker.run_until_idle())
    await asyncio.wait_for(poster.held.wait(), 10)
    worker.stop()
    poster.gate.set()
    assert (await asyncio.wait_for(run, 10)).sent == 1  # the header, then the process stops
    thread = poster.stored[0].message_id
    clock.advance(3600)  # the next card, an hour later: a crash after the platform took it
    head = await worker.outbox.head("memory", "C1")
    assert head is not None and await worker.outbox.claim(head)
    await poster.post_card("C1", card(0), key=key(PAPERS[0]), thread=thread)
    clock.advance(600)
    report = await worker_for(store, poster, clock).run_until_idle()
    assert (report.reconciled, report.sent) == (1, 2)
    assert [look[:3] for look in poster.lookups] == [
        ("message", "C1", PAPERS[0]),  # not in the channel:
        ("message", "C1", "header"),  # the header, an hour older than the attempt,
        ("reply", thread, PAPERS[0]),  # and in its thread
    ]
    assert poster.messages("C1") == ["header"] and poster.messages(thread) == PAPERS


@pytest.mark.parametrize(
    ("error", "waits"),
    [(RateLimited("history: ratelimited", 45.0), 45.0), (TransientError("history: 503"), None)],
)
async def test_a_reconciliation_that_cannot_read_history_defers_never_resends(
    store: Store, clock: FakeClock, error: DeliveryError, waits: float | None
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    head = await worker.outbox.head("memory", "C1")
    assert head is not None and await worker.outbox.claim(head)
    poster.history_error = error
    start = clock.now()
    report = await worker.run_until_idle(deadline=start + 0.1)
    assert (report.retried, report.sent, report.waiting) == (1, 0, ["memory:C1"])
    assert await states(worker) == [RowState.SENDING] + [RowState.PENDING] * 3
    assert poster.attempts == []
    poster.history_error = None
    report = await worker.run_until_idle()
    assert (report.sent, poster.messages("C1")) == (4, ALL)
    delay = waits if waits is not None else RetryPolicy().delay(1, random.Random(7))
    assert clock.slept == pytest.approx([delay])


async def test_a_reconciliation_in_an_unavailable_channel_pauses_it(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    head = await worker.outbox.head("memory", "C1")
    assert head is not None and await worker.outbox.claim(head)
    poster.history_error = ChannelUnavailable("history: channel_not_found")
    report = await worker.run_until_idle()
    assert report.paused == ["memory:C1"] and poster.attempts == []
    assert await worker.outbox.is_paused("memory", "C1") == "history: channel_not_found"
    assert await states(worker) == [RowState.SENDING] + [RowState.PENDING] * 3


async def test_a_lost_answer_is_found_at_once_and_never_resent(
    store: Store, clock: FakeClock
) -> None:
    poster = MemoryPoster(clock)
    worker = worker_for(store, poster, clock)
    await plan(worker)
    poster.lose_next()
    report = await worker.run_until_idle()
    assert (report.sent, report.retried) == (4, 0)
    assert poster.messages("C1") == ALL and len(poster.attempts) == 4
    assert poster.lookups == [("message", "C1", "header", None, 50)]
