"""The subscription and schedule-run repositories keep their contract.

Written against the Protocols of :mod:`bot.core.daily.repositories`, and run on every backend
of ``tests/core/conftest.py``'s ``BACKENDS``: SQLite, and PostgreSQL on a throw-away cluster
(``postgres_url``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.daily.repositories import (
    DailyStore,
    ScheduleRunRepository,
    SubscriptionRepository,
)
from bot.core.daily.schedule_runs import PlannedSlot, RunState, ScheduleRun
from bot.core.daily.subscriptions import Subscription
from bot.core.delivery.repositories import FilteredDay, PlannedRow
from digest_parser import SectionKey

DAY = dt.date(2026, 1, 5)
NOW = 1_767_225_600.0


@pytest.fixture
def store(backend_store: DailyStore) -> DailyStore:
    """A fresh, empty store of each backend that has these tables."""
    return backend_store


@pytest.fixture
def subscriptions(store: DailyStore) -> SubscriptionRepository:
    return store.subscriptions


@pytest.fixture
def runs(store: DailyStore) -> ScheduleRunRepository:
    return store.schedule_runs


def subscription(platform: str, channel: str, at: float = NOW) -> Subscription:
    return Subscription(
        platform, channel, "08:00", "Asia/Seoul", (SectionKey.RESULTS, SectionKey.LIMITATIONS),
        True, False, "config", at, at,
    )  # fmt: skip


async def test_a_subscription_reads_back_as_written(subscriptions: SubscriptionRepository) -> None:
    written = subscription("slack", "C1")
    await subscriptions.put(written)
    assert await subscriptions.get("slack", "C1") == written
    bare = dataclasses.replace(written, channel="C2", sections=(), in_thread=False, paused=True)
    await subscriptions.put(bare)
    assert await subscriptions.get("slack", "C2") == bare
    assert await subscriptions.get("discord", "C1") is None


async def test_put_again_changes_the_settings_but_keeps_created_at(
    subscriptions: SubscriptionRepository,
) -> None:
    await subscriptions.put(subscription("slack", "C1"))
    changed = dataclasses.replace(
        subscription("slack", "C1", at=NOW + 60), time="21:30", source="chat"
    )
    await subscriptions.put(changed)
    assert await subscriptions.get("slack", "C1") == dataclasses.replace(changed, created_at=NOW)


async def test_all_is_ordered_and_filters_by_platform(
    subscriptions: SubscriptionRepository,
) -> None:
    for platform, channel in [("slack", "C2"), ("discord", "9"), ("slack", "C1")]:
        await subscriptions.put(subscription(platform, channel))
    everything = await subscriptions.all()
    assert [(s.platform, s.channel) for s in everything] == [
        ("discord", "9"),
        ("slack", "C1"),
        ("slack", "C2"),
    ]
    assert [s.channel for s in await subscriptions.all("slack")] == ["C1", "C2"]
    assert await subscriptions.all("console") == ()
    assert await subscriptions.remove("slack", "C1")
    assert not await subscriptions.remove("slack", "C1")
    assert [s.channel for s in await subscriptions.all("slack")] == ["C2"]


def run(state: RunState, *, day: dt.date | None = None, at: float = NOW) -> ScheduleRun:
    reason = "no new digest" if state is RunState.SKIPPED else None
    return ScheduleRun("slack", "C1", DAY, NOW - 60, state, day, reason, at)


@pytest.mark.parametrize(
    ("first", "then", "moves"),
    [
        (RunState.WAITING, RunState.WAITING, True),
        (RunState.WAITING, RunState.PLANNING, True),
        (RunState.WAITING, RunState.SKIPPED, True),
        (RunState.PLANNING, RunState.WAITING, False),
        (RunState.PLANNING, RunState.PLANNING, True),
        (RunState.PLANNING, RunState.PLANNED, True),
        (RunState.PLANNED, RunState.PLANNING, False),
        (RunState.PLANNED, RunState.SKIPPED, False),
        (RunState.SKIPPED, RunState.WAITING, False),
        (RunState.SKIPPED, RunState.PLANNED, False),
    ],
)
async def test_a_slot_only_moves_forward(
    runs: ScheduleRunRepository, first: RunState, then: RunState, moves: bool
) -> None:
    before = run(first, day=DAY if first is RunState.PLANNING else None)
    assert await runs.advance(before)
    after = run(then, day=DAY, at=NOW + 1)
    assert await runs.advance(after) is moves
    assert await runs.get("slack", "C1", DAY) == (after if moves else before)


async def test_recent_runs_are_newest_first(runs: ScheduleRunRepository) -> None:
    days = [DAY + dt.timedelta(days=n) for n in range(3)]
    for n, day in enumerate(days):
        slot = dataclasses.replace(run(RunState.PLANNED, day=day), local_date=day)
        await runs.advance(dataclasses.replace(slot, slot_at=NOW + n * 86_400))
    recent = await runs.recent("slack", "C1", limit=2)
    assert [r.local_date for r in recent] == [days[2], days[1]]
    assert await runs.recent("slack", "C2", limit=2) == []
    assert await runs.get("slack", "C1", DAY - dt.timedelta(days=1)) is None


async def test_plan_slots_writes_the_runs_rows_and_filtered_days_of_slots_not_final(
    store: DailyStore, runs: ScheduleRunRepository
) -> None:
    day = dt.date(2026, 1, 5)

    def slot(channel: str) -> PlannedSlot:
        run = ScheduleRun("slack", channel, day, NOW, RunState.PLANNED, day, None, NOW)
        rows = [PlannedRow("slack", channel, day.isoformat(), "header", 0, "", False)]
        filtered = FilteredDay("slack", channel, day.isoformat(), 2, (("excluded", 2),))
        return PlannedSlot(run, rows, filtered)

    done = ScheduleRun("slack", "C2", day, NOW, RunState.SKIPPED, None, "missed", NOW)
    assert await runs.advance(done)
    assert await runs.plan_slots([slot("C1"), slot("C2")], now=NOW) == [True, False]
    assert [r.paper for r in await store.outbox.of_day("slack", "C1", day)] == ["header"]
    assert await store.outbox.of_day("slack", "C2", day) == []
    assert await store.outbox.filtered("slack", "C1", day) == slot("C1").filtered
    assert await store.outbox.filtered("slack", "C2", day) is None
    assert await store.outbox.newest_date("slack", "C1") == day
    again = await runs.get("slack", "C2", day)
    assert again is not None and again.state is RunState.SKIPPED
    with pytest.raises(ValueError, match="final"):
        waiting = dataclasses.replace(slot("C3").run, state=RunState.WAITING)
        await runs.plan_slots([PlannedSlot(waiting, [], None)], now=NOW)
