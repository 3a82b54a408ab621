"""Subscriptions: validation with actionable messages, the repository, and config sync."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.daily.config import (
    HttpSourceConfig,
    ScheduleConfig,
    SourcesConfig,
    SubscriptionConfig,
    sync_subscriptions,
)
from bot.core.daily.subscriptions import (
    NotSubscribed,
    SubscriptionError,
    Subscriptions,
    parse_sections,
    parse_time,
    parse_timezone,
)
from bot.core.delivery.poster import CONSOLE_CHANNEL
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey
from tests.fakes.clock import FakeClock

#: Channel ids of each platform's shape: config entries are checked (bot.core.delivery.channel_ids).
SLACK = "C0000000001"
DISCORD = "420000000000000042"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "s.db") as opened:
        yield opened


@pytest.mark.parametrize(("text", "expected"), [("8:05", "08:05"), (" 23:59 ", "23:59")])
def test_times_are_normalised(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "8:5", "8", "0800", "ab:cd", "12:60", "０８:００", ""])
def test_bad_times_say_what_would_do(text: str) -> None:
    with pytest.raises(SubscriptionError, match="24-hour HH:MM, for example 08:00"):
        parse_time(text)


def test_timezones_must_be_iana_names() -> None:
    assert parse_timezone("Europe/Berlin") == "Europe/Berlin"
    assert parse_timezone("UTC") == "UTC"
    for bad in ("Mars/Olympus", "KST+9", "", "../etc/passwd"):
        with pytest.raises(SubscriptionError, match="IANA name such as Asia/Seoul"):
            parse_timezone(bad)


def test_sections_accept_any_spelling_in_template_order() -> None:
    assert parse_sections("results, 동기") == (SectionKey.MOTIVATION, SectionKey.RESULTS)
    assert parse_sections(["7", "limitations", "7"]) == (
        SectionKey.LIMITATIONS,
        SectionKey.FUTURE_WORK,
    )
    assert parse_sections("") == () == parse_sections("all") == parse_sections([])
    with pytest.raises(SubscriptionError, match=r"unknown section 'gossip'.*motivation") as error:
        parse_sections("results gossip")
    assert isinstance(error.value, ValueError)  # pydantic turns it into a field error


async def test_add_get_update_remove_tell_the_scheduler(store: Store) -> None:
    clock, changes = FakeClock(), []
    subs = Subscriptions(store, clock, on_change=lambda: changes.append(1))
    added = await subs.add("slack", "C1", time="7:30", sections="results,motivation")
    assert (added.time, added.timezone, added.source) == ("07:30", "Asia/Seoul", "chat")
    assert added.sections == (SectionKey.MOTIVATION, SectionKey.RESULTS)
    assert added.created_at == added.updated_at == clock.now()
    clock.advance(60)
    updated = await subs.update("slack", "C1", timezone="Europe/Berlin", paused=True)
    assert (updated.time, updated.timezone, updated.paused) == ("07:30", "Europe/Berlin", True)
    assert updated.created_at == added.created_at < updated.updated_at
    await subs.add("discord", "9", time="09:00", in_thread=True)
    assert [s.channel for s in await subs.list()] == ["9", "C1"]
    assert [s.channel for s in await subs.list("slack")] == ["C1"]
    assert await subs.remove("slack", "C1") is True
    assert await subs.remove("slack", "C1") is False
    assert await subs.get("slack", "C1") is None
    assert len(changes) == 4  # add, update, add, remove; not the no-op remove


async def test_invalid_settings_write_nothing(store: Store) -> None:
    subs = Subscriptions(store, FakeClock())
    with pytest.raises(SubscriptionError, match="unknown timezone 'Seoul'"):
        await subs.add("slack", "C1", time="08:00", timezone="Seoul")
    with pytest.raises(SubscriptionError, match="platform and a channel"):
        await subs.add("slack", "", time="08:00")
    assert await subs.list() == ()
    with pytest.raises(NotSubscribed, match="slack channel C9 is not subscribed"):
        await subs.update("slack", "C9", time="08:00")


def test_config_models_validate_like_chat() -> None:
    entry = SubscriptionConfig(platform="slack", channel=SLACK, time="8:00", sections=("결과",))
    assert (entry.time, entry.sections, entry.timezone) == ("08:00", ("results",), "Asia/Seoul")
    with pytest.raises(ValidationError, match="invalid time '25:00'"):
        SubscriptionConfig(platform="slack", channel=SLACK, time="25:00")
    with pytest.raises(ValidationError, match="unknown timezone"):
        SubscriptionConfig(platform="discord", channel=DISCORD, timezone="Nowhere/Land")
    with pytest.raises(ValidationError, match="extra"):
        SubscriptionConfig.model_validate({"platform": "console", "channel": "x", "thred": True})
    with pytest.raises(ValidationError, match=r"containing \{date\}"):
        HttpSourceConfig(url="https://example.org/latest.md")
    with pytest.raises(ValidationError, match="less than 24"):
        ScheduleConfig(wait_hours=24)
    assert SourcesConfig.model_validate({"watch": ["examples"]}).watch == ("examples",)


async def test_config_sync_keeps_chat_made_subscriptions(store: Store) -> None:
    clock = FakeClock()
    subs = Subscriptions(store, clock)
    await subs.add("slack", SLACK, time="06:00", source="chat")  # an admin's /subscribe
    declared = [
        SubscriptionConfig(platform="slack", channel=SLACK, time="08:00"),
        SubscriptionConfig(platform="console", channel="terminal", time="09:00"),  # old name
        SubscriptionConfig(platform="discord", channel=DISCORD, time="10:00", thread=True),
    ]
    report = await sync_subscriptions(subs, declared)
    assert report.added == ["console:console", f"discord:{DISCORD}"]
    assert report.kept_chat == [f"slack:{SLACK}"]
    c1 = await subs.get("slack", SLACK)
    assert c1 is not None and (c1.time, c1.source) == ("06:00", "chat")

    # The same config again changes nothing; an edit updates; a dropped entry is removed.
    again = await sync_subscriptions(subs, declared)
    assert (again.added, again.updated, again.removed) == ([], [], [])
    edited = [declared[0], declared[1].model_copy(update={"time": "09:30"})]
    report = await sync_subscriptions(subs, edited)
    assert (report.updated, report.removed) == (["console:console"], [f"discord:{DISCORD}"])
    console = await subs.get("console", "console")
    assert console is not None and console.time == "09:30"

    # A chat edit makes a config-made subscription the chat's: config no longer overrides it.
    await subs.update("console", "console", paused=True)
    await sync_subscriptions(subs, edited[:1])
    console = await subs.get("console", "console")
    assert console is not None and console.paused and console.source == "chat"


def test_the_console_is_one_channel_whatever_a_config_calls_it() -> None:
    for data in ({"platform": "console"}, {"platform": "console", "channel": "terminal"}):
        assert SubscriptionConfig.model_validate(data).channel == CONSOLE_CHANNEL
    with pytest.raises(ValidationError, match="channel"):
        SubscriptionConfig.model_validate({"platform": "slack"})


async def test_a_channel_declared_twice_is_an_error(store: Store) -> None:
    twice = [SubscriptionConfig(platform="slack", channel=SLACK)] * 2
    with pytest.raises(SubscriptionError, match=f"slack:{SLACK} is declared twice"):
        await sync_subscriptions(Subscriptions(store, FakeClock()), twice)
