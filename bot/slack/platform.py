"""Slack's registration: channel ids, the poster, what ``serve`` starts, ``[slack]``.

Read by :mod:`bot.platforms`; slack_bolt and slack_sdk are imported inside the hooks, so a
command that never talks to Slack never loads them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

from bot.core.cards.listing import Fits
from bot.registry import ChannelIds, PacingConfig, Platform, Secret, SetupError

from .config import SlackConfig

if TYPE_CHECKING:
    from rich.console import Console

    from bot.config import Config, Secrets
    from bot.core.delivery.poster import Poster
    from bot.registry import Serving

__all__ = ["CHANNEL_IDS", "SLACK", "settings"]

_log = logging.getLogger(__name__)

NAME: Final = "slack"

#: ``C`` (a channel), ``G`` (a private channel or group, in older workspaces) or ``D`` (a
#: direct message), then capital letters and digits; 9 or 11 characters today, and Slack
#: warns they may grow (api.slack.com/changelog/2016-08-11-user-id-format-changes).
CHANNEL_IDS: Final = ChannelIds(
    re.compile(r"[CGD][A-Z0-9]{8,20}"),
    "a Slack channel id",
    "C, G or D and capital letters and digits, such as C0123456789): click the channel's name "
    "in Slack; the id is at the bottom of its details",
)


def settings(config: Config) -> SlackConfig:
    """The config's ``[slack]`` table."""
    return config.section(NAME, SlackConfig)


@asynccontextmanager
async def _poster(
    config: Config, secrets: Secrets, terminal: Console | None
) -> AsyncIterator[Poster]:
    from .poster import slack_poster

    # 429s go back to the outbox worker (rate_limit_retries=0): it waits Retry-After on the
    # injected clock and keeps the row's place in the channel's order.
    async with slack_poster(
        settings(config), secrets.slack_bot_token, rate_limit_retries=0
    ) as poster:
        yield poster


async def _serve(serving: Serving) -> Poster:
    """The Bolt app answering commands, and a poster on its own session."""
    import aiohttp
    from slack_sdk.errors import SlackApiError

    from .app import SlackApp
    from .poster import slack_poster

    config, secrets = settings(serving.config), serving.secrets
    try:
        app = SlackApp(config, secrets, serving.lookup, desk=serving.desk(), voice=serving.voice)
        await serving.enter(app)
        poster = slack_poster(config, secrets.slack_bot_token, rate_limit_retries=0)
        slack = await serving.enter(poster)
    except (OSError, aiohttp.ClientError, SlackApiError) as error:
        raise SetupError(
            f"slack: cannot start ({type(error).__name__}: {error}); check the network "
            f"and [slack] api_base_url ({config.api_base_url})"
        ) from None
    _log.info("slack: %s mode, answering slash commands", config.mode)
    return slack


def _listing_fits() -> Fits:
    from .listing import listing_fits

    return listing_fits()


def _setup_errors() -> tuple[type[Exception], ...]:
    from .client import SlackSetupError

    return (SlackSetupError,)


SLACK: Final = Platform(
    name=NAME,
    title="Slack",
    poster=_poster,
    serve=_serve,
    channel_ids=CHANNEL_IDS,
    settings=SlackConfig,
    # chat.postMessage allows about 1 message/s per channel plus an undocumented
    # workspace-wide cap (shared/platform-limits.md); 5/s overall stays well inside it. A
    # burst of 2 recovers time a late wake-up lost (benchmarks/fanout.py: 98.5% of the
    # limit, no 429).
    pacing=PacingConfig(per_channel_per_second=1.0, overall_per_second=5.0, overall_burst=2),
    # The names bot.slack.client checks them under (BOT_TOKEN_ENV, …).
    secrets=(
        Secret("slack_bot_token", "SLACK_BOT_TOKEN"),
        Secret("slack_app_token", "SLACK_APP_TOKEN", hints=("app",)),
        Secret("slack_signing_secret", "SLACK_SIGNING_SECRET", hints=("sign", "secret")),
    ),
    credentials="SLACK_BOT_TOKEN and SLACK_APP_TOKEN",
    token_hint=' and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET with [slack] mode = "http"; '
    "see README.md)",
    setup_errors=_setup_errors,
    listing_fits=_listing_fits,
)
