"""The platforms paperbot knows: one registration line each (see :mod:`bot.registry`).

A platform is its folder under ``bot/`` plus its line in :data:`PLATFORMS`; the order here is
the order messages list them in and ``serve`` starts them in.
"""

from __future__ import annotations

from typing import Final

from bot.console.platform import CONSOLE
from bot.core.cards.listing import Fits, unpaged
from bot.discord.platform import DISCORD
from bot.registry import ChannelIdError, Platform
from bot.slack.platform import SLACK

__all__ = [
    "DEFAULT_TARGET",
    "PLATFORMS",
    "channel_id_problem",
    "check_channel_id",
    "find_platform",
    "listing_fits",
]

PLATFORMS: Final[tuple[Platform, ...]] = (CONSOLE, SLACK, DISCORD)

#: What ``paperbot post --to`` means when it is not given: this terminal, no credentials.
DEFAULT_TARGET: Final = CONSOLE.target_form

_BY_NAME: Final = {platform.name: platform for platform in PLATFORMS}


def find_platform(name: str) -> Platform | None:
    """The registration called ``name``, if there is one."""
    return _BY_NAME.get(name)


def listing_fits(platform: str) -> Fits:
    """What one digest-listing page may hold on ``platform`` (anything, if not registered)."""
    found = _BY_NAME.get(platform)
    return found.listing_fits() if found is not None else unpaged


def channel_id_problem(platform: str, channel: str) -> str | None:
    """Why ``channel`` cannot be a ``platform`` channel id, or ``None`` if it can (or if the
    platform has one implicit channel, or is not registered)."""
    found = _BY_NAME.get(platform)
    if found is None or found.channel_ids is None:
        return None
    return found.channel_ids.problem(channel)


def check_channel_id(platform: str, channel: str) -> str:
    """``channel`` itself when it has ``platform``'s shape (any name on the console).

    Raises:
        ChannelIdError: It does not; the message shows a valid id and where to find one.
    """
    problem = channel_id_problem(platform, channel)
    if problem is not None:
        raise ChannelIdError(problem)
    return channel
