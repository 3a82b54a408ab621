"""A whole morning of ``paperbot serve``: both platforms, a watched folder, a polled URL.

One service runs against the loopback Slack and Discord fakes on a :class:`SteppedClock`, which
the test walks through the morning of 2026-01-06 (Seoul) deadline by deadline:

======  ==================================================================================
06:50   serve starts: Slack answers signed requests, the Discord bot is on the gateway
07:00   the poller asks for today's digest: 404, not out yet
07:05   the digest is published; the next poll (07:05 + 5 min) archives it
07:30   the Slack channel's time (Asia/Seoul): header and seven cards, once, in order
~08:00  an older digest lands in the watched folder: archived, answered, never posted
08:45   the Discord channel's time, 00:45 in Europe/Berlin (the previous UTC day)
======  ==================================================================================

Slash commands are answered on both platforms in between, and SIGTERM ends the service
cleanly. Rate limits are off in the fakes here: pacing and 429s have tests of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (patches discord.py first)
from bot.app import serve
from bot.config import (
    Config,
    DeliveryConfig,
    PacingConfig,
    Secrets,
    SubscriptionConfig,
)
from bot.core.daily.config import HttpSourceConfig, SourcesConfig
from bot.slack.config import SlackConfig
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.discord.conftest import NEWEST, config_for, write_digest
from tests.fakes.clock import SteppedClock
from tests.fakes.discord_payloads import DEFAULT_PERMISSIONS
from tests.fakes.discord_ratelimit import RateLimits
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.service.test_serve import SECRET, free_port

SEOUL = ZoneInfo("Asia/Seoul")
SLACK_CHANNEL = "C0MORNING"
TODAY = dt.date.fromisoformat(NEWEST)  # 2026-01-06: write_digest's seven papers
PAPERS = [f"2601.0900{n}" for n in range(1, 8)]
MANAGER = str(int(DEFAULT_PERMISSIONS) | 1 << 4)


def kst(hour: int, minute: int = 0) -> float:
    """Epoch seconds of a wall time on 2026-01-06 in Seoul."""
    return dt.datetime(2026, 1, 6, hour, minute, tzinfo=SEOUL).timestamp()


@dataclass
class DigestSite:
    """A site that publishes ``hf-daily-papers-{date}.md`` files, with ETags."""

    files: dict[str, bytes] = field(default_factory=dict)
    asked: list[tuple[str, int]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = self.files.get(name)
        if body is None:
            self.asked.append((name, 404))
            return web.Response(status=404, text="not yet")
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        status = 304 if request.headers.get("If-None-Match") == etag else 200
        self.asked.append((name, status))
        return web.Response(status=status, body=body if status == 200 else None,
                            headers={"ETag": etag})  # fmt: skip


@pytest.fixture
async def site() -> AsyncIterator[tuple[DigestSite, str]]:
    published = DigestSite()
    app = web.Application()
    app.router.add_get("/digests/{name}", published.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield published, f"http://127.0.0.1:{runner.addresses[0][1]}/digests"
    finally:
        await runner.cleanup()


class SlackUser:
    """Sends signed slash commands to the service's HTTP listener."""

    def __init__(self, slack: FakeSlackAPI, port: int) -> None:
        self.slack, self.url = slack, f"http://127.0.0.1:{port}/slack/events"

    async def wait_listening(self) -> None:
        async with aiohttp.ClientSession() as session:
            for _ in range(1500):  # the listener comes up during start-up (≤ 30 s)
                try:
                    async with session.get(self.url):
                        return
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.02)
        raise AssertionError("serve never listened for Slack")

    async def command(self, command: str, text: str) -> str:
        url = self.slack.response_url()
        body = slash_command_body(command, text, response_url=url, channel_id=SLACK_CHANNEL)
        async with aiohttp.ClientSession() as session:
            headers = signed_headers(body, SECRET)
            async with session.post(self.url, data=body, headers=headers) as response:
                assert response.status == 200
        await self.slack.wait_until(lambda: bool(self.slack.responses(url)))
        return str(self.slack.responses(url)[0].args["text"])


async def test_a_morning_of_serve_on_both_platforms(
    tmp_path: Path, site: tuple[DigestSite, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    published, base = site
    folder = tmp_path / "inbox"
    folder.mkdir()
    clock = SteppedClock(kst(6, 50))
    port = free_port()
    async with (
        FakeSlackAPI(channels={SLACK_CHANNEL}, wall_clock=clock.now, wait_timeout=30) as slack,
        FakeDiscord(rate_limits=RateLimits.off(), wait_timeout=30) as discord,
    ):
        discord_channel = str(discord.channel_id)
        config = Config(
            slack=SlackConfig(mode="http", port=port, api_base_url=slack.base_url),
            discord=config_for(discord),
            delivery=DeliveryConfig(
                discord=PacingConfig(per_channel_per_second=1.0, overall_per_second=48.0)
            ),
            subscriptions=(
                SubscriptionConfig(platform="slack", channel=SLACK_CHANNEL, time="07:30"),
                SubscriptionConfig(
                    platform="discord",
                    channel=discord_channel,
                    time="00:45",
                    timezone="Europe/Berlin",
                ),
            ),
            sources=SourcesConfig(
                watch=(str(folder),),
                watch_interval_seconds=60,
                http=(
                    HttpSourceConfig(
                        url=f"{base}/hf-daily-papers-{{date}}.md",
                        start="07:00",
                        interval_seconds=300,
                        timeout_seconds=5,
                    ),
                ),
            ),
        )
        secrets = Secrets(
            slack_bot_token=slack.bot_token,
            slack_signing_secret=SECRET,
            discord_token=discord.token,
        )
        db = tmp_path / "paperbot.db"
        service = asyncio.create_task(serve(config, secrets, str(db), clock=clock))  # signals
        user = SlackUser(slack, port)
        await user.wait_listening()
        await discord.gateway.wait_ready(1)
        await discord.wait_until(lambda: bool(discord.commands(discord.guild_id)), "commands")

        # 07:00-07:05: the poller finds nothing yet (its request is real I/O: wait for it)
        await clock.advance_until(
            lambda: (f"hf-daily-papers-{NEWEST}.md", 404) in published.asked,
            limit=kst(7, 5),
            what="the 07:00 poll",
        )
        await clock.advance_to(kst(7, 5))
        # 07:05: published; archived at the next poll, answered on Slack, not posted before 07:30
        write_digest(tmp_path / "today.md")
        published.files[f"hf-daily-papers-{NEWEST}.md"] = (tmp_path / "today.md").read_bytes()
        async with Store.open(db) as archive:
            await clock.advance_until(
                lambda: (f"hf-daily-papers-{NEWEST}.md", 200) in published.asked,
                limit=kst(7, 20),
                what="the poll that finds the digest",
            )
            await clock.advance_to(kst(7, 29))
            for _ in range(1500):  # the 200's body is archived in real time: up to 30 s busy
                if TODAY in await archive.dates():
                    break
                await asyncio.sleep(0.02)
            assert TODAY in await archive.dates()
        assert "Paper 3" in await user.command("/paper", "2601.09003")
        assert slack.posted(SLACK_CHANNEL) == []

        # 07:30 in Seoul: the Slack channel's cards, once and in order
        posted_at = await clock.advance_until(
            lambda: len(slack.posted(SLACK_CHANNEL)) == 1 + len(PAPERS),
            limit=kst(7, 45),
            what="the Slack channel's delivery",
        )
        messages = slack.posted(SLACK_CHANNEL)
        assert kst(7, 30) <= float(messages[0].ts) <= posted_at
        ids = [m.metadata["event_payload"]["paper"] for m in messages if m.metadata]
        assert ids == ["header", *PAPERS]
        assert not any("<!everyone>" in m.text or "<!here>" in m.text for m in messages)

        # ~08:00: an older digest dropped into the watched folder is archived, never posted
        (folder / "hf-daily-papers-2026-01-05.md").write_bytes(
            (EXAMPLES / "hf-daily-papers-2026-01-05.md").read_bytes()
        )
        async with Store.open(db) as archive:
            dates: tuple[dt.date, ...] = ()

            async def refresh() -> None:
                nonlocal dates
                dates = await archive.dates()

            for _ in range(200):
                await clock.advance_to(clock.now() + 60)
                await refresh()
                if dt.date(2026, 1, 5) in dates:
                    break
            assert dt.date(2026, 1, 5) in dates
        assert "자기 검증" in await user.command("/paper", "2601.01234")

        # 08:45 in Seoul is 00:45 in Berlin: the Discord channel's turn, not a minute before
        await clock.advance_to(kst(8, 44))
        assert discord.messages(discord.channel_id) == []
        await clock.advance_until(
            lambda: len(discord.messages(discord.channel_id)) == 1 + len(PAPERS),
            limit=kst(9, 0),
            what="the Discord channel's delivery",
        )
        cards = discord.messages(discord.channel_id)
        footers = [m.embeds[0].get("footer", {}).get("text", "") for m in cards[1:]]
        assert [next(p for p in PAPERS if p in f) for f in footers] == PAPERS
        assert all(m.nonce and m.allowed_mentions == {"parse": []} for m in cards)
        listing = await discord.slash_command("subscriptions", permissions=MANAGER)
        assert f"<#{discord_channel}> — 00:45 Europe/Berlin" in listing.content
        assert "next Wed 2026-01-07 00:45 CET" in listing.content

        # later that morning nothing is posted twice, and SIGTERM stops it all cleanly
        await clock.advance_to(kst(10, 0))
        assert len(slack.posted(SLACK_CHANNEL)) == len(discord.messages(discord.channel_id)) == 8
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(service, 30)
        assert not discord.gateway.live_sessions()
    delivered = [r.getMessage() for r in caplog.records if "digest delivered" in r.getMessage()]
    assert delivered == [
        f"slack:{SLACK_CHANNEL}: the {NEWEST} digest delivered (8 messages)",
        f"discord:{discord_channel}: the {NEWEST} digest delivered (8 messages)",
    ]
