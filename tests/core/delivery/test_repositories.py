"""The outbox and lease repositories keep their contract: what the core services rely on.

Written against the Protocols of :mod:`bot.core.delivery.repositories`, and run on every
backend of ``tests/core/conftest.py``'s ``BACKENDS``: SQLite, and PostgreSQL on a throw-away
cluster (``postgres_url``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.delivery.lease import HeldLease
from bot.core.delivery.outbox import ChannelStatus, Requeued, RowState
from bot.core.delivery.poster import Posted
from bot.core.delivery.repositories import (
    DeliveryStore,
    FilteredDay,
    LeaseRepository,
    OutboxRepository,
    PlannedRow,
)

DAY = dt.date(2026, 1, 5)
NOW = 1_767_225_600.0


@pytest.fixture
def store(backend_store: DeliveryStore) -> DeliveryStore:
    """A fresh, empty store of each backend that has these tables."""
    return backend_store


@pytest.fixture
def outbox(store: DeliveryStore) -> OutboxRepository:
    return store.outbox


@pytest.fixture
def leases(store: DeliveryStore) -> LeaseRepository:
    return store.leases


def planned(channel: str, day: dt.date, *papers: str, platform: str = "slack") -> list[PlannedRow]:
    """The header and ``papers`` of one digest, as :meth:`Outbox.plan` would ask for them."""
    return [
        PlannedRow(platform, channel, day.isoformat(), paper, n, "results", n % 2 == 1)
        for n, paper in enumerate(["header", *papers])
    ]


async def test_rows_are_added_once_and_read_back_as_planned(outbox: OutboxRepository) -> None:
    assert await outbox.add(planned("C1", DAY, "a", "b"), now=NOW) == 3
    assert await outbox.add(planned("C1", DAY, "a", "b", "c"), now=NOW + 1) == 1
    rows = await outbox.of_day("slack", "C1", DAY)
    assert [(r.paper, r.position, r.in_thread) for r in rows] == [
        ("header", 0, False),
        ("a", 1, True),
        ("b", 2, False),
        ("c", 3, True),
    ]
    assert {(r.state, r.attempts, r.not_before, r.sections) for r in rows} == {
        (RowState.PENDING, 0, 0.0, "results")
    }
    assert await outbox.of_day("slack", "C1", DAY + dt.timedelta(days=1)) == []
    assert await outbox.newest_date("slack", "C1") == DAY
    assert await outbox.newest_date("slack", "C2") is None


async def test_a_row_is_claimed_once_and_its_attempts_count(outbox: OutboxRepository) -> None:
    await outbox.add(planned("C1", DAY, "a"), now=NOW)
    head = await outbox.head("slack", "C1")
    assert head is not None and head.paper == "header"
    assert await outbox.claim(head.id, now=NOW + 5)
    assert not await outbox.claim(head.id, now=NOW + 6)  # no longer pending
    again = await outbox.head("slack", "C1")
    assert again is not None and again.id == head.id
    assert (again.state, again.attempts, again.attempted_at) == (RowState.SENDING, 1, NOW + 5)
    await outbox.retry_later(head.id, "rate limited", not_before=NOW + 60, counts=False)
    back = await outbox.head("slack", "C1")
    assert back is not None
    assert (back.state, back.attempts, back.not_before, back.last_error) == (
        RowState.PENDING,
        0,
        NOW + 60,
        "rate limited",
    )


async def test_defer_keeps_the_state_and_sent_rows_carry_their_ids(
    outbox: OutboxRepository,
) -> None:
    await outbox.add(planned("C1", DAY, "a"), now=NOW)
    head = await outbox.head("slack", "C1")
    assert head is not None and await outbox.claim(head.id, now=NOW)
    await outbox.defer(head.id, "history unavailable", not_before=NOW + 30)
    deferred = await outbox.head("slack", "C1")
    assert deferred is not None
    assert (deferred.state, deferred.not_before, deferred.last_error) == (
        RowState.SENDING,
        NOW + 30,
        "history unavailable",
    )
    assert await outbox.sent_message("slack", "C1", DAY.isoformat(), "header") is None
    await outbox.mark_sent(head.id, Posted("1.5", "1.5"), now=NOW + 31)
    assert await outbox.sent_message("slack", "C1", DAY.isoformat(), "header") == "1.5"
    (sent, _) = await outbox.of_day("slack", "C1", DAY)
    assert (sent.state, sent.message_id, sent.thread_id, sent.last_error) == (
        RowState.SENT,
        "1.5",
        "1.5",
        None,
    )


async def test_forget_leaves_a_row_being_sent(outbox: OutboxRepository) -> None:
    await outbox.add(planned("C1", DAY, "a", "b"), now=NOW)
    head = await outbox.head("slack", "C1")
    assert head is not None and await outbox.claim(head.id, now=NOW)
    assert await outbox.forget("slack", "C1", DAY) == 2
    assert [r.paper for r in await outbox.of_day("slack", "C1", DAY)] == ["header"]


async def test_listings_are_the_first_pages_of_listings_since_a_date(
    outbox: OutboxRepository,
) -> None:
    def page(day: dt.date, paper: str, position: int, channel: str = "C1") -> PlannedRow:
        return PlannedRow("slack", channel, day.isoformat(), paper, position, "", False, paper)

    later = DAY + dt.timedelta(days=3)
    await outbox.add(planned("C1", DAY, "a"), now=NOW)  # cards are no listing
    await outbox.add(
        [page(DAY, "listing-1", 1), page(later, "listing-1", 1), page(later, "listing-2", 2),
         page(later, "listing-week-1", 1), page(later, "listing-week-2", 2)],
        now=NOW,
    )  # fmt: skip
    await outbox.add([page(later, "listing-3", 1, "C2")], now=NOW)  # another channel's
    found = await outbox.listings("slack", "C1", DAY + dt.timedelta(days=1))
    assert [(r.digest_date, r.paper, r.content) for r in found] == [
        (later.isoformat(), "listing-1", "listing-1"),
        (later.isoformat(), "listing-week-1", "listing-week-1"),
    ]
    assert len(await outbox.listings("slack", "C1", DAY)) == 3
    assert [r.paper for r in await outbox.listings("slack", "C2", DAY)] == ["listing-3"]
    assert await outbox.listings("discord", "C1", DAY) == []


async def test_a_weeks_filtered_record_replaces_its_newest_digests(
    outbox: OutboxRepository,
) -> None:
    day = FilteredDay("slack", "C1", DAY.isoformat(), 2, (('excluded by "x"', 2),))
    week = FilteredDay("slack", "C1", DAY.isoformat(), 5, (("beyond the top 10", 5),), week=True)
    await outbox.add([], now=NOW, filtered=[day])
    await outbox.add([], now=NOW, filtered=[FilteredDay("slack", "C1", DAY.isoformat(), 9, ())])
    assert await outbox.filtered("slack", "C1", DAY) == day  # a day's is never replaced
    await outbox.add([], now=NOW, filtered=[week])
    assert await outbox.filtered("slack", "C1", DAY) == FilteredDay(
        "slack", "C1", DAY.isoformat(), 5, (("beyond the top 10", 5),)
    )


async def test_pauses_hide_work_and_requeue_lifts_only_what_it_names(
    outbox: OutboxRepository,
) -> None:
    for platform, channel in [("slack", "C1"), ("slack", "C2"), ("discord", "9")]:
        await outbox.add(planned(channel, DAY, "a", platform=platform), now=NOW)
        head = await outbox.head(platform, channel)
        assert head is not None
        await outbox.mark_failed(head.id, f"bad {channel}")
    await outbox.pause("slack", "C2", "not_in_channel", now=NOW)
    await outbox.pause("slack", "C2", "channel_not_found", now=NOW + 1)  # the reason changes
    await outbox.pause("slack", "C3", "missing_scope", now=NOW)  # paused, never planned
    assert await outbox.pause_reason("slack", "C2") == "channel_not_found"
    assert await outbox.pause_reason("slack", "C1") is None
    heads = [(h.platform, h.channel) for h in await outbox.heads()]
    assert heads == [("discord", "9"), ("slack", "C1")]
    assert await outbox.channels() == [
        ("discord", "9"),
        ("slack", "C1"),
        ("slack", "C2"),
        ("slack", "C3"),
    ]
    assert await outbox.requeue("slack", "C2") == [Requeued("slack", "C2", 1, "channel_not_found")]
    assert await outbox.requeue("slack", None) == [
        Requeued("slack", "C1", 1, None),
        Requeued("slack", "C3", 0, "missing_scope"),
    ]
    assert await outbox.requeue(None, None) == [Requeued("discord", "9", 1, None)]
    assert await outbox.requeue(None, None) == []
    assert [r.state for r in await outbox.of_day("discord", "9", DAY)] == [RowState.PENDING] * 2


async def test_heads_are_every_unpaused_channels_head_in_one_read(
    outbox: OutboxRepository,
) -> None:
    later = DAY + dt.timedelta(days=1)
    await outbox.add(planned("C1", later, "b"), now=NOW)  # planned first, sent after DAY's
    await outbox.add(planned("C1", DAY, "a"), now=NOW)
    await outbox.add(planned("C2", DAY, "a"), now=NOW)
    await outbox.add(planned("9", DAY, "a", platform="discord"), now=NOW)
    await outbox.add(planned("C3", DAY), now=NOW)
    c2 = await outbox.head("slack", "C2")
    assert c2 is not None and await outbox.claim(c2.id, now=NOW)  # sending is a head too
    c3 = await outbox.head("slack", "C3")
    assert c3 is not None
    await outbox.mark_sent(c3.id, Posted("1"), now=NOW)  # C3 has nothing left
    await outbox.pause("discord", "9", "missing_access", now=NOW)
    heads = await outbox.heads()
    assert heads == [await outbox.head("slack", c) for c in ("C1", "C2")]
    assert [(h.channel, h.digest_date, h.paper, h.state) for h in heads] == [
        ("C1", DAY.isoformat(), "header", RowState.PENDING),
        ("C2", DAY.isoformat(), "header", RowState.SENDING),
    ]


async def test_status_sums_up_each_channel(outbox: OutboxRepository) -> None:
    await outbox.add(planned("C1", DAY, "a", "b"), now=NOW)
    header, a, _ = await outbox.of_day("slack", "C1", DAY)
    await outbox.mark_sent(header.id, Posted("1"), now=NOW)
    await outbox.mark_failed(a.id, "invalid_blocks")
    await outbox.add(planned("C1", DAY + dt.timedelta(days=1)), now=NOW)
    later = await outbox.head("slack", "C1")
    assert later is not None and await outbox.claim(later.id, now=NOW)
    await outbox.pause("slack", "C1", "not_in_channel", now=NOW)
    assert await outbox.status() == [
        ChannelStatus(
            "slack",
            "C1",
            DAY.isoformat(),
            1,
            1,
            ((DAY.isoformat(), "a", "invalid_blocks"),),
            "not_in_channel",
        )
    ]


async def test_leases_are_taken_together_or_not_at_all(leases: LeaseRepository) -> None:
    assert await leases.take(["b"], "one", now=NOW, until=NOW + 30)
    assert not await leases.take(["a", "b"], "two", now=NOW, until=NOW + 30)
    assert await leases.live(now=NOW) == [HeldLease("b", "one", NOW + 30)]  # "a" rolled back
    assert await leases.take(["a", "b"], "one", now=NOW + 1, until=NOW + 31)  # ours: renewed
    assert await leases.live(now=NOW + 1) == [
        HeldLease("a", "one", NOW + 31),
        HeldLease("b", "one", NOW + 31),
    ]
    assert await leases.live(now=NOW + 31) == []  # expired ones are not live
    assert await leases.take(["b"], "two", now=NOW + 31, until=NOW + 61)  # expired: taken


async def test_extend_expire_and_release_touch_only_the_owner(leases: LeaseRepository) -> None:
    assert await leases.take(["a", "b"], "one", now=NOW, until=NOW + 30)
    assert await leases.take(["c"], "two", now=NOW, until=NOW + 30)
    assert await leases.extend(["a", "b"], "one", until=NOW + 60)
    assert not await leases.extend(["a", "c"], "one", until=NOW + 90)  # "c" is not ours
    await leases.expire("two")
    assert [held.name for held in await leases.live(now=NOW)] == ["a", "b"]
    assert await leases.take(["c"], "three", now=NOW, until=NOW + 30)  # expired: free
    await leases.release("one")
    assert await leases.live(now=NOW) == [HeldLease("c", "three", NOW + 30)]
