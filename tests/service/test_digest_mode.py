"""``serve`` in digest mode on both platforms: the largest real digest as the fewest messages.

Each platform's listing limit comes from its registration (:func:`bot.platforms.listing_fits`),
so this checks the wiring the unit tests cannot: a Slack channel gets the 47 papers in one
message, a Discord channel in one too (its content and several embeds, as Discord's limits
allow), each exactly once across a restart, and a channel whose filters match nothing gets
nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (patches discord.py first)
from bot.app import serve
from bot.config import Config, Secrets, SubscriptionConfig
from bot.core.clock import SystemClock
from bot.core.daily.config import ScheduleConfig, SourcesConfig
from bot.core.delivery.outbox import Outbox
from bot.slack.config import SlackConfig
from bot.storage.sqlite.store import Store
from tests.conftest import require_real_digest
from tests.discord.conftest import config_for
from tests.fakes.discord_ratelimit import RateLimits
from tests.fakes.slack_api import FakeSlackAPI
from tests.service.test_serve import SECRET, free_port

LARGEST = "hf-daily-papers-2025-05-25.md"
DAY = dt.date(2025, 5, 25)
SLACK_CHANNEL, QUIET = "C0DIGEST1", "C0QUIET01"


async def _serve_until_delivered(config: Config, secrets: Secrets, db: Path) -> None:
    stop = asyncio.Event()
    service = asyncio.create_task(serve(config, secrets, str(db), stop=stop))
    async with Store.open(db) as store:
        outbox = Outbox(store, SystemClock())
        for _ in range(1500):  # until the planned day is delivered (≤ 30 s on a busy machine)
            await asyncio.sleep(0.02)
            assert not service.done(), service.exception()
            status = [s for s in await outbox.status() if s.channel != QUIET]
            if len(status) == 2 and all(s.pending == s.sending == 0 for s in status):
                break
    stop.set()
    await asyncio.wait_for(service, 30)


async def test_digest_mode_posts_the_fewest_messages_once_on_both_platforms(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(require_real_digest(LARGEST), folder / LARGEST)
    async with (
        FakeSlackAPI(channels={SLACK_CHANNEL, QUIET}, wait_timeout=30) as slack,
        FakeDiscord(rate_limits=RateLimits.off(), wait_timeout=30) as discord,
    ):
        channel = str(discord.channel_id)
        config = Config(
            slack=SlackConfig(mode="http", port=free_port(), api_base_url=slack.base_url),
            discord=config_for(discord),
            subscriptions=(
                SubscriptionConfig(platform="slack", channel=SLACK_CHANNEL, mode="digest"),
                SubscriptionConfig(platform="discord", channel=channel, mode="digest"),
                SubscriptionConfig(
                    platform="slack", channel=QUIET, mode="digest", include=("quantum",)
                ),
            ),
            schedule=ScheduleConfig(post_at_start=True),
            sources=SourcesConfig(watch=(str(folder),)),
        )
        secrets = Secrets(
            slack_bot_token=slack.bot_token,
            slack_signing_secret=SECRET,
            discord_token=discord.token,
        )
        db = tmp_path / "paperbot.db"
        await _serve_until_delivered(config, secrets, db)
        await _serve_until_delivered(config, secrets, db)  # a restart sends nothing again
        (page,) = slack.posted(SLACK_CHANNEL)
        assert page.metadata is not None
        assert page.metadata["event_payload"]["paper"] == "listing-1"
        assert slack.posted(QUIET) == []
        (listing,) = discord.messages()
        assert listing.embeds[-1]["footer"]["text"].startswith("listing-1 · 2025-05-25 · 47 papers")
        assert listing.content.startswith("### [Hugging Face Daily Papers – 2025-05-25]")
        shown = listing.content + "".join(e["description"] for e in listing.embeds)
        assert shown.count(".** ") == 47
        async with Store.open(db) as store:
            left = await Outbox(store, SystemClock()).filtered("slack", QUIET, DAY)
        assert left is not None
        assert left.reasons == (("matches none of the include terms", 47),)
