"""Where discord.py connects: Discord itself, or a proxy or test server from the config.

discord.py reads its REST base and default gateway from two class attributes rather than from
the client, so pointing it elsewhere is a process-wide switch. It is kept in this one function
so that the switch is easy to find and nothing else touches discord.py's globals.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
import yarl

if TYPE_CHECKING:
    from bot.discord.config import DiscordConfig

__all__ = ["use_endpoints"]

_log = logging.getLogger(__name__)


def use_endpoints(config: DiscordConfig) -> None:
    """Apply ``[discord] api_base_url`` and ``gateway_url`` to discord.py.

    ``Route.BASE`` is read whenever a request is built (webhooks and interaction callbacks
    too). ``DEFAULT_GATEWAY`` must be a :class:`yarl.URL` because discord.py adds its query
    with ``with_query``; it is only replaced when ``gateway_url`` is set, otherwise discord.py
    asks ``GET /gateway/bot`` (automatic sharding) or uses Discord's well-known address.
    """
    base = config.api_base_url.rstrip("/")
    if base != discord.http.Route.BASE:
        _log.info("Discord REST API at %s", base)
        discord.http.Route.BASE = base
    if config.gateway_url is not None:
        _log.info("Discord gateway at %s", config.gateway_url)
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)
