"""Discord's registration: channel ids, the poster, what ``serve`` starts, ``[discord]``.

Read by :mod:`bot.platforms`; discord.py is imported inside the hooks, so a command that
never talks to Discord never loads it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

from bot.core.cards.listing import Fits
from bot.registry import ChannelIds, PacingConfig, Platform, Secret

from .config import DiscordConfig

if TYPE_CHECKING:
    from rich.console import Console

    from bot.config import Config, Secrets
    from bot.core.delivery.poster import Poster
    from bot.registry import Serving

__all__ = ["CHANNEL_IDS", "DISCORD", "SNOWFLAKE", "settings"]

_log = logging.getLogger(__name__)

NAME: Final = "discord"

#: A snowflake: a 64-bit integer written in decimal
#: (discord.com/developers/docs/reference#snowflakes). Snowflakes count milliseconds since
#: 2015, so every channel (and application) id has 17 to 20 digits.
SNOWFLAKE: Final = re.compile(r"[0-9]{17,20}")
CHANNEL_IDS: Final = ChannelIds(
    SNOWFLAKE,
    "a Discord channel id",
    "17 to 20 digits, such as 1234567890123456789): turn on Developer Mode (User Settings → "
    "Advanced), then right-click the channel → Copy Channel ID",
)


def settings(config: Config) -> DiscordConfig:
    """The config's ``[discord]`` table."""
    return config.section(NAME, DiscordConfig)


@asynccontextmanager
async def _poster(
    config: Config, secrets: Secrets, terminal: Console | None
) -> AsyncIterator[Poster]:
    from .poster import discord_poster

    async with discord_poster(settings(config), secrets.discord_token) as poster:
        yield poster


async def _serve(serving: Serving) -> Poster:
    """A REST poster, and the gateway client answering commands as a task of its own."""
    from .client import run_bot
    from .poster import discord_poster

    config, token = settings(serving.config), serving.secrets.discord_token
    poster = await serving.enter(discord_poster(config, token))
    voice = serving.voice
    serving.spawn(NAME, run_bot(serving.lookup, config, token, desk=serving.desk(), voice=voice))
    _log.info("discord: connecting to the gateway, answering slash commands")
    return poster


def _listing_fits() -> Fits:
    from .listing import listing_fits

    return listing_fits()


def _setup_errors() -> tuple[type[Exception], ...]:
    from .errors import DiscordSetupError

    return (DiscordSetupError,)


DISCORD: Final = Platform(
    name=NAME,
    title="Discord",
    poster=_poster,
    serve=_serve,
    channel_ids=CHANNEL_IDS,
    settings=DiscordConfig,
    # About 5 messages per 5 s per channel [3p], 50 requests/s per bot; interaction responses
    # are exempt, so 48/s with a burst of 2 never exceeds 50 in any second.
    pacing=PacingConfig(
        per_channel_per_second=1.0, channel_burst=5, overall_per_second=48.0, overall_burst=2
    ),
    secrets=(Secret("discord_token", "DISCORD_TOKEN"),),  # bot.discord.errors.TOKEN_ENV
    credentials="DISCORD_TOKEN",
    token_hint=" (see README.md)",
    setup_errors=_setup_errors,
    listing_fits=_listing_fits,
)
