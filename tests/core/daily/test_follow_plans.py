"""Follow DMs and the weekly ``rank:likes`` listing, planned by the scheduler (fake clock).

A follow DM is an outbox listing to ``dm:<user>``: once per member and digest, each paper once
per member, nothing while the member's DMs are paused, and delivered by the real worker. On
every backend of ``backend_store`` (the harness's ``store``, here).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from bot.core.cards.listing import DigestListing
from bot.core.daily.schedule import Scheduler
from bot.core.daily.slots import slot_on
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.poster import ChannelUnavailable
from bot.core.delivery.recipients import dm_channel
from bot.core.delivery.worker import Worker
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import Press
from bot.storage.postgres.store import PostgresStore
from tests.core.daily.test_routing_plans import OCR, UNTITLED, VERIFY
from tests.core.daily.test_schedule import DAY, SEOUL, Harness, harness, utc
from tests.fakes.memory_poster import MemoryPoster

__all__ = ["harness"]

ME = Member("slack", "T1", "U0FOLLOWER")


@pytest.fixture
def store(backend_store: Any) -> Any:
    """The harness's store: each backend with the voice tables."""
    return backend_store


async def rows(store: Any, channel: str) -> list[tuple[str, str]]:
    """(digest date, paper) of the channel's outbox rows, in order."""
    mark = "%s" if isinstance(store, PostgresStore) else "?"
    found = await store.query(
        "SELECT digest_date, paper FROM outbox"
        f" WHERE channel = {mark} ORDER BY digest_date, position",
        channel,
    )
    return [(str(d), str(p)) for d, p in found]


def follow_scheduler(harness: Harness) -> Scheduler:
    subs = Subscriptions(harness.store, harness.clock)
    return Scheduler(harness.store, subs, harness.clock, harness.deliver, follows=("slack",))


async def test_a_follow_gets_one_dm_per_digest_listing_each_paper_once(harness: Harness) -> None:
    desk = VoiceDesk(harness.store, harness.clock)
    await desk.follow(ME, "OCR 검증")
    other = Member("slack", "T1", "U0NOTHING")
    await desk.follow(other, "quantum")  # matches nothing: no DM
    harness.clock.time = utc(2026, 1, 5, 1)
    await harness.digest(DAY)
    scheduler = follow_scheduler(harness)
    await scheduler.run_due()
    await scheduler.run_due()  # a second pass plans nothing more
    assert await rows(harness.store, dm_channel(ME.user)) == [("2026-01-05", "listing-1")]
    assert await rows(harness.store, dm_channel(other.user)) == []
    # the next day's digest has the same papers: already listed, so no DM at all
    harness.clock.time = utc(2026, 1, 6, 1)
    await harness.digest(dt.date(2026, 1, 6))
    await follow_scheduler(harness).run_due()
    assert await rows(harness.store, dm_channel(ME.user)) == [("2026-01-05", "listing-1")]

    poster = MemoryPoster(harness.clock)
    poster.platform = "slack"
    report = await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    assert report.sent == 1
    (message,) = poster.stored
    assert message.where == dm_channel(ME.user)
    listing = message.item
    assert isinstance(listing, DigestListing) and listing.kind == "follow"
    assert {item.arxiv_id for item in listing.items} == {VERIFY, OCR}


async def test_an_old_digest_is_not_news_to_a_new_follower(harness: Harness) -> None:
    await harness.digest(DAY)
    harness.clock.time = utc(2026, 2, 1)
    await VoiceDesk(harness.store, harness.clock).follow(ME, "OCR")
    await follow_scheduler(harness).run_due()
    assert await rows(harness.store, dm_channel(ME.user)) == []


async def test_refused_dms_pause_the_follow_and_the_member_is_told_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    desk = VoiceDesk(harness.store, harness.clock)
    await desk.follow(ME, "OCR")
    harness.clock.time = utc(2026, 1, 5, 1)
    await harness.digest(DAY)
    await follow_scheduler(harness).run_due()
    poster = MemoryPoster(harness.clock)
    poster.platform = "slack"
    poster.script(ChannelUnavailable("cannot_dm_bot"))
    report = await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    assert report.paused and not poster.stored
    assert await Outbox(harness.store, harness.clock).is_paused("slack", dm_channel(ME.user))
    notice = await desk.notice(ME)
    assert notice is not None and "/follow resume" in notice
    assert await desk.notice(ME) is None  # told once
    assert "paused" in await desk.follow(ME, "")
    # while paused, the next digest plans nothing for this member
    harness.clock.time = utc(2026, 1, 6, 1)
    await harness.digest(dt.date(2026, 1, 6))
    await follow_scheduler(harness).run_due()
    assert [p for _, p in await rows(harness.store, dm_channel(ME.user))] == ["listing-1"]
    assert "resumed" in await desk.follow(ME, "resume")
    report = await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    assert report.sent == 1
    assert ME.user not in caplog.text


async def test_weekly_rank_likes_lists_the_channels_most_liked_papers(harness: Harness) -> None:
    harness.clock.time = utc(2026, 1, 4)
    await harness.subs.add("slack", "C1", time="09:00", mode="weekly", weekday="fri", rank="likes")
    await harness.digest(DAY)
    reactions = harness.store.reactions
    here = ChannelRef("slack", "T1", "C1")
    for user, paper in (("U1", OCR), ("U2", OCR), ("U3", UNTITLED)):
        await reactions.press(Press(here, user, paper, "like"), now=1.0, window=3.0)
    elsewhere = ChannelRef("slack", "T1", "C2")
    for user in ("U1", "U2", "U3"):  # likes in another channel do not count here
        await reactions.press(Press(elsewhere, user, VERIFY, "like"), now=1.0, window=3.0)
    friday = dt.date(2026, 1, 9)
    harness.clock.time = slot_on(friday, dt.time(9), SEOUL).at
    await harness.scheduler.run_due()
    assert await rows(harness.store, "C1") == [("2026-01-05", "listing-week-1")]
    poster = MemoryPoster(harness.clock)
    poster.platform = "slack"
    await Worker(harness.store, {"slack": poster}, harness.clock).run_until_idle()
    listing = poster.stored[0].item
    assert isinstance(listing, DigestListing) and listing.kind == "liked"
    assert [item.arxiv_id for item in listing.items] == [OCR, UNTITLED]
    assert listing.left_out == 1 and "most liked here" in listing.title


async def test_saved_clear_deletes_the_members_follow_dms_too(harness: Harness) -> None:
    desk = VoiceDesk(harness.store, harness.clock)
    await desk.follow(ME, "OCR")
    harness.clock.time = utc(2026, 1, 5, 1)
    await harness.digest(DAY)
    await follow_scheduler(harness).run_due()
    await harness.store.outbox.pause("slack", dm_channel(ME.user), "cannot_dm_bot", now=1.0)
    assert await rows(harness.store, dm_channel(ME.user))
    assert "Deleted" in await desk.clear(ME)
    assert await rows(harness.store, dm_channel(ME.user)) == []
    assert await harness.store.outbox.pause_reason("slack", dm_channel(ME.user)) is None
    assert await harness.store.follows.get(ME) is None
