"""/subscribe, /unsubscribe and /subscriptions: arguments, table changes and replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers.subscription_answers import (
    SubscribeArgs,
    SubscriptionDesk,
    parse_subscribe_text,
)
from bot.core.daily.config import SubscriptionConfig, sync_subscriptions
from bot.core.daily.subscriptions import SubscriptionError, Subscriptions
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey
from tests.fakes.clock import FakeClock

L, R, F = SectionKey.LIMITATIONS, SectionKey.RESULTS, SectionKey.FUTURE_WORK


@pytest.fixture
async def subscriptions(tmp_path: Path) -> AsyncIterator[Subscriptions]:
    async with Store.open(tmp_path / "s.db") as store:
        yield Subscriptions(store, FakeClock())  # 2026-01-01T00:00Z, a Thursday


@pytest.fixture
def desk(subscriptions: Subscriptions) -> SubscriptionDesk:
    return SubscriptionDesk(subscriptions, FakeClock(), "slack")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SubscribeArgs()),
        ("9:30", SubscribeArgs(time="09:30")),
        ("09:30 Europe/Berlin", SubscribeArgs("09:30", "Europe/Berlin")),
        ("thread limitations,results UTC", SubscribeArgs(None, "UTC", (R, L), True)),
        ("한계, 6  no-thread", SubscribeArgs(sections=(L,), in_thread=False)),
        ("future work results", SubscribeArgs(sections=(R, F))),
        ("all", SubscribeArgs(sections=())),
        ("America/New_York 07:00 thread", SubscribeArgs("07:00", "America/New_York", None, True)),
    ],
)
def test_slack_text_is_read_in_any_order(text: str, expected: SubscribeArgs) -> None:
    assert parse_subscribe_text(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("25:00", "invalid time '25:00'"),
        ("Mars/Olympus", "unknown timezone 'Mars/Olympus'"),
        ("weekly", "I don't understand 'weekly'"),
        ("08:00 09:00", "the time is given twice"),
        ("<!channel>", "I don't understand '<!channel>'"),
    ],
)
def test_bad_words_say_what_would_do(text: str, says: str) -> None:
    with pytest.raises(SubscriptionError, match=says.replace("(", r"\(")):
        parse_subscribe_text(text)


def test_typed_options_are_checked_and_blank_means_not_given() -> None:
    args = SubscribeArgs.checked(time=" 7:05 ", timezone="", sections="limitations", in_thread=None)
    assert args == SubscribeArgs("07:05", None, (L,), None)
    with pytest.raises(SubscriptionError, match="unknown section 'conclusion'"):
        SubscribeArgs.checked(sections="conclusion")


async def test_subscribe_with_defaults_then_change_one_setting(
    desk: SubscriptionDesk, subscriptions: Subscriptions
) -> None:
    first = await desk.subscribe("C1", SubscribeArgs())
    assert first.startswith("Subscribed <#C1>: 08:00 Asia/Seoul · all sections · cards in the")
    assert "next Fri 2026-01-02 08:00 KST" in first  # it is 09:00 in Seoul: today's slot passed
    changed = await desk.subscribe("C1", SubscribeArgs(sections=(L,), in_thread=True))
    assert changed.startswith("Updated <#C1>: 08:00 Asia/Seoul · 6 limitations · cards in a thread")
    again = await desk.subscribe("C1", SubscribeArgs(sections=(L,)))
    assert again.startswith("Already subscribed <#C1>")
    sub = await subscriptions.get("slack", "C1")
    assert sub is not None and sub.source == "chat" and sub.in_thread and sub.sections == (L,)


async def test_unsubscribe_removes_a_chat_row_and_pauses_a_config_row(
    desk: SubscriptionDesk, subscriptions: Subscriptions
) -> None:
    declared = [SubscriptionConfig(platform="slack", channel="C0CONFIG1", time="07:00")]
    await sync_subscriptions(subscriptions, declared)
    await desk.subscribe("C1", SubscribeArgs())
    assert (await desk.unsubscribe("C1")).startswith("Unsubscribed <#C1>")
    assert await subscriptions.get("slack", "C1") is None
    assert "is not subscribed" in await desk.unsubscribe("C1")
    paused = await desk.unsubscribe("C0CONFIG1")
    assert paused.startswith("Paused <#C0CONFIG1>: it is declared in paperbot's config file")
    # the next start syncs the config again: the admin's pause survives it
    report = await sync_subscriptions(subscriptions, declared)
    assert report.kept_chat == ["slack:C0CONFIG1"]
    row = await subscriptions.get("slack", "C0CONFIG1")
    assert row is not None and row.paused
    assert "paused" in await desk.listing()
    resumed = await desk.subscribe("C0CONFIG1", SubscribeArgs())
    assert resumed.startswith("Resumed <#C0CONFIG1>: 07:00 Asia/Seoul")


async def test_listing_shows_only_this_platform_and_visible_channels(
    desk: SubscriptionDesk, subscriptions: Subscriptions
) -> None:
    assert (await desk.listing()).startswith("No channel here is subscribed yet.")
    await desk.subscribe("C1", SubscribeArgs(time="06:30", timezone="Europe/Berlin"))
    await desk.subscribe("C2", SubscribeArgs())
    await subscriptions.add("discord", "99", time="08:00")
    listing = await desk.listing()
    assert listing.splitlines()[0] == "2 subscribed channels:"
    assert "<#C1> — 06:30 Europe/Berlin · all sections · cards in the channel · next Thu" in listing
    assert "99" not in listing
    only = await desk.listing(visible=["C2"])
    assert only.splitlines()[0] == "1 subscribed channel:" and "C1" not in only
