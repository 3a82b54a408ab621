"""The scheduler on a fake clock: DST, midnight between zones, restarts, windows, late digests."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from bot.console.poster import ConsolePoster
from bot.core.daily.schedule import OnPlanned, Scheduler
from bot.core.daily.schedule_runs import RunState
from bot.core.daily.slots import latest_slot, next_slot, slot_on
from bot.core.daily.subscriptions import Subscription, Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.worker import Worker
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock

UTC = dt.UTC
SEOUL = ZoneInfo("Asia/Seoul")
DAY = dt.date(2026, 1, 5)
HOUR = 3600.0


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    """Epoch seconds of a UTC wall time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


class Harness:
    """A store, a fake clock, subscriptions and a scheduler whose deliveries are recorded."""

    def __init__(self, store: Store, clock: FakeClock, folder: Path) -> None:
        self.store, self.clock, self.folder = store, clock, folder
        self.subs = Subscriptions(store, clock)
        self.delivered: list[tuple[str, dt.date, float]] = []
        self.scheduler = self.make_scheduler(store)

    def make_scheduler(self, store: Store, deliver: OnPlanned | None = None) -> Scheduler:
        """A scheduler over ``store`` (a new one: a restart), told of subscription changes."""
        subs = Subscriptions(store, self.clock)
        scheduler = Scheduler(store, subs, self.clock, deliver or self.deliver, recheck=60)
        subs.on_change = scheduler.notify
        self.subs.on_change = scheduler.notify
        self.scheduler = scheduler
        return scheduler

    async def deliver(self, sub: Subscription, day: dt.date) -> None:
        self.delivered.append((sub.channel, day, self.clock.now()))

    async def digest(self, day: dt.date) -> None:
        await ingest_digest(self.store, self.folder, day)

    async def outbox_rows(self) -> int:
        ((count,),) = await self.store.query("SELECT count(*) FROM outbox")
        return int(count)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "d.db") as opened:
        yield opened


@pytest.fixture
def harness(store: Store, tmp_path: Path) -> Harness:
    return Harness(store, FakeClock(utc(2026, 1, 4, 12, 0)), tmp_path)


@pytest.mark.parametrize(
    ("zone", "day", "time", "expected"),
    [
        # Spring forward: 02:00 → 03:00, so 02:30 never happens; the gap's end does.
        ("America/New_York", dt.date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 0)),  # 03:00 EDT
        ("Europe/Berlin", dt.date(2026, 3, 29), "02:30", utc(2026, 3, 29, 1, 0)),  # 03:00 CEST
        # Fall back: the wall time happens twice; the slot is the first.
        ("America/New_York", dt.date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),  # EDT
        ("Europe/Berlin", dt.date(2026, 10, 25), "02:30", utc(2026, 10, 25, 0, 30)),  # CEST
        # Seoul's morning is the previous UTC day.
        ("Asia/Seoul", DAY, "08:00", utc(2026, 1, 4, 23, 0)),
        ("Asia/Seoul", DAY, "00:30", utc(2026, 1, 4, 15, 30)),
        ("UTC", DAY, "23:30", utc(2026, 1, 5, 23, 30)),
    ],
)
def test_slot_instants(zone: str, day: dt.date, time: str, expected: float) -> None:
    assert slot_on(day, dt.time.fromisoformat(time), ZoneInfo(zone)).at == expected


def test_the_slot_date_is_the_local_date_at_utc_midnight() -> None:
    eight = dt.time(8, 0)
    at = utc(2026, 1, 4, 23, 0)  # 08:00 KST on 01-05
    assert latest_slot(at, eight, SEOUL).local_date == DAY
    assert latest_slot(at - 1, eight, SEOUL).local_date == dt.date(2026, 1, 4)
    assert next_slot(at - 1, eight, SEOUL).at == at
    assert next_slot(at, eight, SEOUL).at == at + 24 * HOUR


@pytest.mark.parametrize(
    ("zone", "time", "first", "fires"),
    [
        ("America/New_York", "02:30", dt.date(2026, 3, 7),
         [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)]),
        ("America/New_York", "01:30", dt.date(2026, 10, 31),
         [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]),
        ("Europe/Berlin", "02:30", dt.date(2026, 3, 28),
         [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]),
        ("Europe/Berlin", "02:30", dt.date(2026, 10, 24),
         [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]),
    ],
)  # fmt: skip
async def test_across_dst_each_day_fires_once_at_its_instant(
    harness: Harness, zone: str, time: str, first: dt.date, fires: list[float]
) -> None:
    harness.clock.time = fires[0] - 12 * HOUR
    await harness.subs.add("console", "c", time=time, timezone=zone)
    await harness.digest(first)

    async def deliver_and_publish_tomorrow(sub: Subscription, day: dt.date) -> None:
        await harness.deliver(sub, day)
        if len(harness.delivered) == len(fires):
            harness.scheduler.stop()
        else:
            await harness.digest(day + dt.timedelta(days=1))

    harness.make_scheduler(harness.store, deliver_and_publish_tomorrow)
    await asyncio.wait_for(harness.scheduler.run(), 10)
    assert [at for _, _, at in harness.delivered] == fires
    assert [day for _, day, _ in harness.delivered] == [
        first + dt.timedelta(days=n) for n in range(3)
    ]
    runs = await harness.store.query("SELECT local_date, state FROM schedule_runs ORDER BY 1")
    assert runs == [((first + dt.timedelta(days=n)).isoformat(), "planned") for n in range(3)]


async def test_fall_back_second_occurrence_is_not_a_slot(harness: Harness) -> None:
    harness.clock.time = utc(2026, 10, 31, 12, 0)
    await harness.subs.add("console", "c", time="01:30", timezone="America/New_York")
    await harness.digest(dt.date(2026, 11, 1))
    harness.clock.time = utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    await harness.scheduler.run_due()
    await harness.digest(dt.date(2026, 11, 2))  # a new digest is ready for the repeat hour
    harness.clock.time = utc(2026, 11, 1, 6, 30)  # 01:30 EST, the same wall time again
    assert await harness.scheduler.run_due() == utc(2026, 11, 2, 6, 30)
    assert [day for _, day, _ in harness.delivered] == [dt.date(2026, 11, 1)]


async def test_kst_morning_is_the_previous_utc_day(harness: Harness) -> None:
    harness.clock.time = utc(2026, 1, 4, 22, 0)
    await harness.subs.add("slack", "KST", time="08:00")  # Asia/Seoul by default
    await harness.subs.add("slack", "UTC", time="23:30", timezone="UTC")
    await harness.digest(DAY)  # the date comes from the file, whatever the clock says
    harness.clock.time = utc(2026, 1, 4, 22, 59, 59)
    await harness.scheduler.run_due()
    assert harness.delivered == []
    harness.clock.time = utc(2026, 1, 4, 23, 0)  # 08:00 KST on 01-05
    assert await harness.scheduler.run_due() == utc(2026, 1, 4, 23, 30)  # the UTC channel next
    harness.clock.time = utc(2026, 1, 4, 23, 30)
    await harness.scheduler.run_due()
    assert [(c, d) for c, d, _ in harness.delivered] == [("KST", DAY), ("UTC", DAY)]
    runs = await harness.store.query("SELECT channel, local_date FROM schedule_runs ORDER BY 1")
    assert runs == [("KST", "2026-01-05"), ("UTC", "2026-01-04")]


async def test_a_restart_at_the_posting_minute_plans_once(harness: Harness, tmp_path: Path) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 1, 4, 23, 0)
    await harness.scheduler.run_due()
    planned = await harness.outbox_rows()
    assert planned == 4  # header and three papers
    harness.clock.advance(30)
    async with Store.open(tmp_path / "d.db") as reopened:  # the process comes back
        await harness.make_scheduler(reopened).run_due()
        ((rows,),) = await reopened.query("SELECT count(*) FROM outbox")
    assert rows == planned and len(harness.delivered) == 1


async def test_a_restart_after_choosing_finishes_the_same_plan(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(DAY)
    slot = slot_on(DAY, dt.time(8, 0), SEOUL)
    # Crashed after recording its choice, before planning; meanwhile a newer digest landed.
    await harness.scheduler.runs.record("slack", "C1", slot, RunState.PLANNING, digest_date=DAY)
    await harness.digest(DAY + dt.timedelta(days=1))
    harness.clock.time = slot.at + 120
    await harness.scheduler.run_due()
    assert [d for _, d, _ in harness.delivered] == [DAY]
    run = await harness.scheduler.runs.get("slack", "C1", DAY)
    assert run is not None and run.state is RunState.PLANNED and run.digest_date == DAY


async def test_a_missed_slot_inside_the_window_is_caught_up(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 1, 5, 1, 0)  # started at 10:00 KST, two hours late
    await harness.scheduler.run_due()
    assert [(d, at) for _, d, at in harness.delivered] == [(DAY, harness.clock.time)]


async def test_a_missed_slot_outside_the_window_is_not_replayed(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 1, 6, 6, 0)  # 15:00 KST on 01-06: down for a day and a half
    await harness.scheduler.run_due()
    assert harness.delivered == []
    runs = await harness.store.query("SELECT local_date, state, reason FROM schedule_runs")
    reason = "missed: paperbot was not running between 08:00 and 14:00 Asia/Seoul"
    assert runs == [("2026-01-06", "skipped", reason)]
    harness.clock.time = utc(2026, 1, 6, 23, 0)  # the next slot posts the newest digest once
    await harness.scheduler.run_due()
    assert [d for _, d, _ in harness.delivered] == [DAY]


async def test_a_late_digest_is_waited_for_then_posted(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    slot = utc(2026, 1, 4, 23, 0)
    harness.clock.time = slot
    assert await harness.scheduler.run_due() == slot + 60  # re-check while waiting
    run = await harness.scheduler.runs.get("slack", "C1", DAY)
    assert run is not None and run.state is RunState.WAITING
    harness.clock.time = slot + 1.5 * HOUR
    await harness.digest(DAY)
    await harness.scheduler.run_due()
    assert [(d, at) for _, d, at in harness.delivered] == [(DAY, slot + 1.5 * HOUR)]
    harness.clock.time = slot + 7 * HOUR
    await harness.scheduler.run_due()
    run = await harness.scheduler.runs.get("slack", "C1", DAY)
    assert run is not None and run.state is RunState.PLANNED and len(harness.delivered) == 1


async def test_no_digest_within_the_window_records_a_skipped_day(harness: Harness) -> None:
    await harness.digest(DAY)
    await harness.subs.add("slack", "C1", time="08:00")
    harness.clock.time = utc(2026, 1, 4, 23, 0)
    await harness.scheduler.run_due()  # 01-05: gets the 01-05 digest
    harness.clock.time = utc(2026, 1, 5, 23, 0)  # 01-06: nothing newer yet
    await harness.scheduler.run_due()
    harness.clock.time = utc(2026, 1, 6, 5, 0)  # 14:00 KST: the window closes
    await harness.scheduler.run_due()
    (status,) = await harness.scheduler.status()
    assert status.last is not None and status.last.state is RunState.SKIPPED
    assert status.last.reason == "no new digest between 08:00 and 14:00 Asia/Seoul"
    assert status.next_run == dt.datetime(2026, 1, 7, 8, 0, tzinfo=SEOUL)
    await harness.digest(DAY + dt.timedelta(days=1))  # too late for 01-06: goes out on 01-07
    await harness.scheduler.run_due()
    harness.clock.time = utc(2026, 1, 6, 23, 0)
    await harness.scheduler.run_due()
    assert [d for _, d, _ in harness.delivered] == [DAY, DAY + dt.timedelta(days=1)]


async def test_never_an_older_digest_after_a_newer_one(harness: Harness) -> None:
    newer = DAY + dt.timedelta(days=1)
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(newer)
    await Outbox(harness.store, harness.clock).plan("slack", "C1", newer, ["2601.01234"])
    await harness.digest(DAY)  # an older file ingested late (a backfill)
    harness.clock.time = utc(2026, 1, 6, 23, 0)
    await harness.scheduler.run_due()
    assert harness.delivered == []


async def test_repeated_papers_and_repeated_ingests_post_each_day_once(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    for n in range(2):  # consecutive digests with the same three papers
        await harness.digest(DAY + dt.timedelta(days=n))
        await harness.digest(DAY + dt.timedelta(days=n))  # the same file ingested twice
        harness.clock.time = utc(2026, 1, 4 + n, 23, 0)
        await harness.scheduler.run_due()
        harness.clock.advance(60)
        await harness.scheduler.run_due()
    assert [d for _, d, _ in harness.delivered] == [DAY, DAY + dt.timedelta(days=1)]
    assert await harness.outbox_rows() == 8


async def test_paused_subscriptions_are_passed_over(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00", paused=True)
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 1, 4, 23, 0)
    assert await harness.scheduler.run_due() is None
    (status,) = await harness.scheduler.status()
    assert status.next_run is None and harness.delivered == []


async def test_plan_now_plans_the_newest_unreceived_digest(harness: Harness) -> None:
    await harness.subs.add("console", "c", time="08:00")
    assert await harness.scheduler.plan_now("console", "c") is None  # empty archive
    await harness.digest(DAY)
    assert await harness.scheduler.plan_now("console", "c") == DAY
    assert await harness.scheduler.plan_now("console", "c") is None
    assert await harness.scheduler.plan_now("console", "nobody") is None


async def test_the_loop_wakes_when_a_subscription_is_added(harness: Harness) -> None:
    await harness.digest(DAY)

    async def deliver_and_stop(sub: Subscription, day: dt.date) -> None:
        await harness.deliver(sub, day)
        harness.scheduler.stop()

    harness.make_scheduler(harness.store, deliver_and_stop)
    loop = asyncio.create_task(harness.scheduler.run())
    await asyncio.sleep(0)  # the loop finds nothing to do and waits to be told
    await harness.subs.add("slack", "C1", time="08:00")
    await asyncio.wait_for(loop, 5)
    assert [(d, at) for _, d, at in harness.delivered] == [(DAY, utc(2026, 1, 4, 23, 0))]


async def test_planned_cards_reach_the_channel_with_its_settings(harness: Harness) -> None:
    out = io.StringIO()
    poster = ConsolePoster(Console(file=out, width=100))
    worker = Worker(harness.store, {"console": poster}, harness.clock)

    async def drain(sub: Subscription, day: dt.date) -> None:
        await worker.run_until_idle(only={(sub.platform, sub.channel)})

    await harness.subs.add("console", "c", time="08:00", sections="results", in_thread=True)
    await harness.digest(DAY)
    scheduler = Scheduler(harness.store, harness.subs, harness.clock, drain)
    harness.clock.time = utc(2026, 1, 4, 23, 0)
    await scheduler.run_due()
    rows = await harness.store.query("SELECT DISTINCT sections, in_thread, state FROM outbox")
    assert rows == [("results", 1, "sent")]
    assert "정량적 결과" in out.getvalue() and "핵심 동기" not in out.getvalue()


class ManualClock:
    """A clock whose sleeps end only when the test moves time past them."""

    def __init__(self, start: float) -> None:
        self.time = start
        self.sleepers: list[float] = []
        self._moved = asyncio.Condition()

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        until = self.time + seconds
        async with self._moved:
            self.sleepers.append(until)
            self._moved.notify_all()
            try:
                await self._moved.wait_for(lambda: self.time >= until)
            finally:
                self.sleepers.remove(until)

    async def sleeping_until(self, when: float) -> None:
        """Return once something sleeps until ``when``."""
        async with self._moved:
            await self._moved.wait_for(lambda: when in self.sleepers)

    async def move_to(self, when: float) -> None:
        async with self._moved:
            self.time = when
            self._moved.notify_all()


async def test_a_sooner_subscription_cuts_a_long_sleep_short(store: Store, tmp_path: Path) -> None:
    clock = ManualClock(utc(2026, 1, 4, 22, 0))  # 07:00 KST
    subs = Subscriptions(store, clock)
    delivered: list[tuple[str, float]] = []

    async def deliver(sub: Subscription, day: dt.date) -> None:
        delivered.append((sub.channel, clock.now()))
        scheduler.stop()

    scheduler = Scheduler(store, subs, clock, deliver)
    subs.on_change = scheduler.notify
    await ingest_digest(store, tmp_path, DAY)
    await subs.add("slack", "evening", time="20:00")
    loop = asyncio.create_task(scheduler.run())
    await asyncio.wait_for(clock.sleeping_until(utc(2026, 1, 5, 11, 0)), 5)  # 20:00 KST
    await subs.add("slack", "morning", time="09:00")
    await asyncio.wait_for(clock.sleeping_until(utc(2026, 1, 5, 0, 0)), 5)  # 09:00 KST
    await clock.move_to(utc(2026, 1, 5, 0, 0))
    await asyncio.wait_for(loop, 5)
    assert delivered == [("morning", utc(2026, 1, 5, 0, 0))]


async def test_one_post_a_day_even_if_a_newer_digest_lands_in_the_window(
    harness: Harness,
) -> None:
    await harness.subs.add("slack", "C1", time="08:00")
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 1, 4, 23, 0)
    await harness.scheduler.run_due()
    await harness.digest(DAY + dt.timedelta(days=1))  # lands at 09:00 KST, same local day
    harness.clock.advance(HOUR)
    assert await harness.scheduler.run_due() == utc(2026, 1, 5, 23, 0)
    harness.clock.time = utc(2026, 1, 5, 23, 0)
    await harness.scheduler.run_due()
    assert [d for _, d, _ in harness.delivered] == [DAY, DAY + dt.timedelta(days=1)]
