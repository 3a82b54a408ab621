"""One delivering process of ``benchmarks/fanout.py``: serve's delivery term, under the lease.

``fanout.py --processes 2`` starts two of these on the same database (``--processes 1`` one),
as real OS processes, so that issue #17's "two processes" is measured, not simulated. Each runs
what ``paperbot serve`` runs for delivery (:func:`bot.app.serve`, less the chat gateways): a
:class:`~bot.core.delivery.leadership.Leadership` over the platform's delivery lease whose
term is :class:`bot.duties.DeliveryDuties` (scheduler, delivery loop, count editor, the
outbox watch), posting through :func:`bot.app.open_poster` to the parent's fake platform.
Whoever takes the lease delivers; the other stands by, trying every third of the lease's TTL.
Enrichment is off (it would call Hugging Face).

The talk with the parent is three lines: this process prints ``ready`` once its store and
poster are open, starts leading or standing by on ``go``, and on ``stop`` (or end of input)
ends its term and prints ``terms N``: how many times it took the lease (1 for the deliverer,
0 for a standby that never had to). Time runs on the parent's :class:`ScaledClock` (same
anchor, same scale), so leases and pacing agree across the processes.

Usage (by ``fanout.py`` only): ``python _fanout_deliverer.py '<json>'`` with keys platform,
location, base_url, token, channel, scale, anchor.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from _common import ScaledClock  # benchmarks/_common.py

from bot.app import Target, open_poster
from bot.config import Config, Secrets
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.leadership import Leadership
from bot.core.delivery.lease import Lease, delivery_lease
from bot.core.enrichment.config import EnrichmentConfig
from bot.core.voice.editor import CountEditor
from bot.discord.config import DiscordConfig
from bot.duties import DeliveryDuties
from bot.slack.config import SlackConfig
from bot.storage import open_store


def platform_config(platform: str, base_url: str, token: str) -> tuple[Config, Secrets]:
    """The default config pointed at the fake, enrichment off; the fake's token."""
    quiet = EnrichmentConfig(enabled=False)
    if platform == "slack":
        slack = SlackConfig(api_base_url=base_url)
        config = Config.model_validate({"slack": slack, "enrichment": quiet})
        return config, Secrets(slack_bot_token=token)
    discord = DiscordConfig(api_base_url=base_url)
    config = Config.model_validate({"discord": discord, "enrichment": quiet})
    return config, Secrets(discord_token=token)


async def read_line() -> str:
    """The parent's next line, without blocking the event loop."""
    line: str = await asyncio.to_thread(sys.stdin.readline)
    return line.strip()


async def main(spec: dict[str, Any]) -> int:
    platform: str = spec["platform"]
    config, secrets = platform_config(platform, spec["base_url"], spec["token"])
    clock = ScaledClock(spec["scale"], anchor=spec["anchor"])
    target = Target(platform, spec["channel"])
    async with (
        open_store(spec["location"]) as store,
        open_poster(target, config, secrets) as poster,
    ):
        posters = {platform: poster}
        editor = CountEditor(store, posters, clock)
        subscriptions = Subscriptions(store, clock)
        duties = DeliveryDuties(store, posters, editor, subscriptions, config, clock)
        lease = Lease(
            store,
            clock,
            [delivery_lease(platform)],
            ttl=config.delivery.lease_seconds,
            role="bench",
        )
        leadership = Leadership(lease, clock, duties)
        print("ready", flush=True)
        if await read_line() != "go":
            return 1
        leading = asyncio.create_task(leadership.run())
        stopped = asyncio.create_task(read_line())
        await asyncio.wait([leading, stopped], return_when=asyncio.FIRST_COMPLETED)
        leadership.stop()
        await leading  # a duty's error is this process's error
        print(f"terms {leadership.terms}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(json.loads(sys.argv[1]))))
