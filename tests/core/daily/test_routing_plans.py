"""Routing in the daily run: filters, listing pages, empty days and weekly slots (fake clock)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.cards.listing import DigestListing, ListingPage
from bot.core.daily.schedule_runs import RunState
from bot.core.daily.slots import slot_on
from bot.core.daily.subscriptions import parse_filters
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.repositories import PlannedRow
from bot.core.delivery.worker import Worker
from bot.storage.postgres.store import PostgresStore
from tests.core.daily.test_schedule import DAY, SEOUL, Harness, harness, store, utc
from tests.fakes.clock import FakeClock
from tests.fakes.memory_poster import MemoryPoster

__all__ = ["harness", "store"]  # the fixtures, shared with test_schedule

BERLIN = ZoneInfo("Europe/Berlin")
VERIFY, OCR, UNTITLED = "2601.01234", "2601.02345", "2601.03456"


@pytest.fixture
def both(backend_store: Any, tmp_path: Path) -> Harness:
    """A harness on each backend in turn (``harness`` is SQLite's alone)."""
    return Harness(backend_store, FakeClock(utc(2026, 3, 1)), tmp_path)


async def rows(store: Any, channel: str) -> list[tuple[str, str]]:
    """(digest date, paper) of the channel's outbox rows, in order."""
    mark = "%s" if isinstance(store, PostgresStore) else "?"
    found = await store.query(
        "SELECT digest_date, paper FROM outbox"
        f" WHERE channel = {mark} ORDER BY digest_date, position",
        channel,
    )
    return [(str(d), str(p)) for d, p in found]


async def run_until(harness: Harness, end: float) -> None:
    """Pass after pass up to ``end``, each at the instant the last one asked for, with a
    restart before every pass."""
    while harness.clock.now() < end:
        due = await harness.scheduler.run_due()
        harness.clock.time = end if due is None else min(due, end)
        harness.make_scheduler(harness.store)


async def send(harness: Harness) -> list[DigestListing]:
    """Deliver what is planned with the real worker; the listings Slack got."""
    poster = MemoryPoster(harness.clock)
    poster.platform = "slack"
    await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    return [m.item for m in poster.stored if isinstance(m.item, DigestListing)]


async def test_filters_plan_only_matching_cards_and_record_why_the_rest_is_left_out(
    harness: Harness,
) -> None:
    filters = parse_filters(include='"검증", OCR', exclude="어댑터")
    await harness.subs.add("slack", "C1", time="08:00", filters=filters)
    await harness.digest(DAY)
    harness.clock.time = slot_on(DAY, dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    assert await rows(harness.store, "C1") == [("2026-01-05", "header"), ("2026-01-05", VERIFY)]
    left = await Outbox(harness.store, harness.clock).filtered("slack", "C1", DAY)
    assert left is not None and left.left_out == 2
    assert sorted(left.reasons) == [
        ('excluded by "어댑터"', 1),
        ("matches none of the include terms", 1),
    ]
    (status,) = await Outbox(harness.store, harness.clock).status()
    assert (status.filtered, status.filtered_date) == (2, "2026-01-05")


async def test_changing_filters_after_planning_resends_nothing(harness: Harness) -> None:
    await harness.subs.add("slack", "C1", time="08:00", filters=parse_filters(include="OCR"))
    await harness.digest(DAY)
    harness.clock.time = slot_on(DAY, dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    before = await rows(harness.store, "C1")
    await harness.subs.update("slack", "C1", filters=parse_filters())  # everything, from now on
    assert await harness.scheduler.plan_now("slack", "C1") is None  # the day is had
    harness.clock.advance(3600)
    await harness.scheduler.run_due()
    assert (
        await rows(harness.store, "C1")
        == before
        == [
            ("2026-01-05", "header"),
            ("2026-01-05", OCR),
        ]
    )


async def test_a_day_nothing_matches_sends_nothing_and_is_not_planned_again(
    harness: Harness,
) -> None:
    await harness.subs.add("slack", "C1", time="08:00", filters=parse_filters(include="quantum"))
    await harness.subs.add(
        "slack", "C2", time="08:00", filters=parse_filters(include="quantum"), empty_note=True
    )
    await harness.digest(DAY)
    harness.clock.time = slot_on(DAY, dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    assert await rows(harness.store, "C1") == []
    assert await rows(harness.store, "C2") == [("2026-01-05", "listing-1")]  # the note
    assert [channel for channel, *_ in harness.delivered] == ["C2"]
    run = await harness.scheduler.runs.get("slack", "C1", DAY)
    assert run is not None and run.state is RunState.PLANNED
    # the next morning, no new digest: the day was judged, not "missed"
    harness.clock.time = slot_on(DAY + dt.timedelta(days=1), dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    assert await harness.scheduler.plan_now("slack", "C1") is None
    assert await rows(harness.store, "C1") == []


async def test_digest_mode_is_one_listing_the_worker_renders_from_the_archive(
    harness: Harness,
) -> None:
    await harness.subs.add(
        "slack", "C1", time="08:00", mode="digest", filters=parse_filters(exclude="OCR")
    )
    await harness.digest(DAY)
    harness.clock.time = slot_on(DAY, dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    assert await rows(harness.store, "C1") == [("2026-01-05", "listing-1")]
    poster = MemoryPoster(harness.clock)
    poster.platform = "slack"
    report = await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    assert report.sent == 1
    (message,) = poster.stored
    listing = message.item
    assert isinstance(listing, DigestListing)
    assert [(i.number, i.arxiv_id) for i in listing.items] == [(1, VERIFY), (2, UNTITLED)]
    assert (listing.page, listing.pages, listing.total, listing.left_out) == (1, 1, 2, 1)
    assert listing.items[0].gist and len(listing.items[0].gist) <= 110


async def test_listing_pages_follow_the_platforms_limit(harness: Harness, tmp_path: Path) -> None:
    await harness.subs.add("slack", "C1", time="08:00", mode="digest")
    await harness.digest(DAY)
    harness.scheduler._planner._fits = lambda platform: lambda items: len(items) <= 2
    harness.clock.time = slot_on(DAY, dt.time(8), SEOUL).at
    await harness.scheduler.run_due()
    assert await rows(harness.store, "C1") == [
        ("2026-01-05", "listing-1"),
        ("2026-01-05", "listing-2"),
    ]


async def test_weekly_posts_once_a_week_at_local_time_across_dst_and_restarts(
    harness: Harness, tmp_path: Path
) -> None:
    # Fridays 09:00 Berlin, over the switch to summer time (Sunday 2026-03-29).
    harness.clock.time = utc(2026, 3, 15)
    await harness.subs.add(
        "slack", "C1", time="09:00", timezone="Europe/Berlin", mode="weekly", weekday="fri"
    )
    fridays = [dt.date(2026, 3, 20), dt.date(2026, 3, 27), dt.date(2026, 4, 3)]
    for friday in fridays:
        await harness.digest(friday - dt.timedelta(days=2))  # a Wednesday digest each week
    harness.clock.time = utc(2026, 3, 16)
    while harness.clock.now() < utc(2026, 4, 5):
        due = await harness.scheduler.run_due()
        assert due is not None
        harness.clock.time = due
        harness.make_scheduler(harness.store)  # a restart before every pass
    planned = [(channel, day) for channel, day, _ in harness.delivered]
    assert planned == [("C1", f - dt.timedelta(days=2)) for f in fridays]
    at = [dt.datetime.fromtimestamp(when, BERLIN) for _, _, when in harness.delivered]
    assert [(t.date(), t.hour, t.minute) for t in at] == [(f, 9, 0) for f in fridays]
    assert [t.utcoffset() for t in at] == [dt.timedelta(hours=h) for h in (1, 1, 2)]
    weeks = await rows(harness.store, "C1")
    assert weeks == [(str(f - dt.timedelta(days=2)), "listing-week-1") for f in fridays]


async def test_a_weekly_week_without_digests_is_skipped_with_the_reason(harness: Harness) -> None:
    harness.clock.time = utc(2026, 3, 15)
    await harness.subs.add("slack", "C1", time="09:00", mode="weekly", weekday="mon")
    harness.clock.time = slot_on(dt.date(2026, 3, 16), dt.time(9), SEOUL).at
    await harness.scheduler.run_due()
    run = await harness.scheduler.runs.get("slack", "C1", dt.date(2026, 3, 16))
    assert run is not None and run.state is RunState.SKIPPED
    assert run.reason == "no digest in the week to 2026-03-16"
    assert await rows(harness.store, "C1") == []


async def test_switching_from_digest_to_weekly_lists_the_week_of_the_digest_already_posted(
    both: Harness,
) -> None:
    # Thursday's digest goes out in digest mode; on Friday the channel is weekly. The week's
    # newest digest is Thursday's, the date both listings are keyed by.
    thursday, friday = dt.date(2026, 3, 5), dt.date(2026, 3, 6)
    await both.subs.add(
        "slack", "C1", time="08:00", mode="digest", filters=parse_filters(include="OCR")
    )
    await both.digest(thursday)
    both.clock.time = slot_on(thursday, dt.time(8), SEOUL).at
    await both.scheduler.run_due()
    (day,) = await send(both)
    assert (day.kind, [i.arxiv_id for i in day.items]) == ("daily", [OCR])

    await both.subs.update(
        "slack", "C1", mode="weekly", weekday="fri", time="09:00",
        filters=parse_filters(exclude="OCR"),
    )  # fmt: skip
    await run_until(both, slot_on(friday, dt.time(9), SEOUL).at + 60)
    run = await both.scheduler.runs.get("slack", "C1", friday)
    assert run is not None and run.state is RunState.PLANNED
    assert await rows(both.store, "C1") == [
        ("2026-03-05", "listing-1"),
        ("2026-03-05", "listing-week-1"),
    ]
    (week,) = await send(both)
    assert (week.kind, week.first, week.last) == ("weekly", dt.date(2026, 2, 28), friday)
    assert sorted(i.arxiv_id for i in week.items) == [VERIFY, UNTITLED]
    assert [channel for channel, *_ in both.delivered] == ["C1", "C1"]
    # what status says was left out is the newest plan's: the week's, not Thursday's
    left = await Outbox(both.store, both.clock).filtered("slack", "C1", thursday)
    assert left is not None and left.reasons == (('excluded by "OCR"', 1),)
    (status,) = await Outbox(both.store, both.clock).status()
    assert (status.filtered, status.filtered_date, status.pending) == (1, "2026-03-05", 0)


async def test_a_weekday_changed_after_the_weeks_listing_waits_for_the_next_week(
    both: Harness,
) -> None:
    # Mondays 09:00 Berlin, listed on 03-23; on Tuesday the channel picks Wednesdays. The
    # 03-25 slot is two days after a listing: skipped. 04-01 (after the switch to summer time
    # on 03-29) is nine days after: listed, the seven days to it.
    both.clock.time = utc(2026, 3, 15)
    await both.subs.add(
        "slack", "C1", time="09:00", timezone="Europe/Berlin", mode="weekly", weekday="mon"
    )
    for day in (20, 24, 31):  # Friday, Tuesday, Tuesday
        await both.digest(dt.date(2026, 3, day))
    await run_until(both, utc(2026, 3, 24, 12))
    await both.subs.update("slack", "C1", weekday="wed")
    (status,) = await both.scheduler.status()
    assert status.next_run == dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN)
    await run_until(both, utc(2026, 4, 3))

    at = [dt.datetime.fromtimestamp(when, BERLIN) for _, _, when in both.delivered]
    assert [(t.date(), t.hour, t.utcoffset()) for t in at] == [
        (dt.date(2026, 3, 23), 9, dt.timedelta(hours=1)),
        (dt.date(2026, 4, 1), 9, dt.timedelta(hours=2)),
    ]
    assert await rows(both.store, "C1") == [
        ("2026-03-20", "listing-week-1"),
        ("2026-03-31", "listing-week-1"),
    ]
    skipped = await both.scheduler.runs.get("slack", "C1", dt.date(2026, 3, 25))
    assert skipped is not None and skipped.state is RunState.SKIPPED
    assert skipped.reason == "the week was listed on 2026-03-23, fewer than 7 days before"
    first, second = await send(both)
    assert (first.first, first.last) == (dt.date(2026, 3, 17), dt.date(2026, 3, 23))
    assert (second.first, second.last) == (dt.date(2026, 3, 26), dt.date(2026, 4, 1))


async def test_a_week_listed_under_the_old_key_still_counts(both: Harness) -> None:
    """A database from before weekly pages had keys of their own (``listing-1``) reads."""
    monday = dt.date(2026, 3, 9)
    page = ListingPage(
        kind="weekly", first=monday - dt.timedelta(days=6), last=monday, page=1, pages=1,
        total=3, papers=((dt.date(2026, 3, 6), VERIFY),),
    )  # fmt: skip
    old = PlannedRow("slack", "C1", "2026-03-06", "listing-1", 1, "", False, page.model_dump_json())
    await both.store.outbox.add([old], now=both.clock.now())
    await both.subs.add("slack", "C1", time="09:00", mode="weekly", weekday="wed")
    await both.digest(dt.date(2026, 3, 10))
    await run_until(both, slot_on(dt.date(2026, 3, 11), dt.time(9), SEOUL).at + 60)
    assert both.delivered == []
    run = await both.scheduler.runs.get("slack", "C1", dt.date(2026, 3, 11))
    assert (
        run is not None
        and run.reason == "the week was listed on 2026-03-09, fewer than 7 days before"
    )
