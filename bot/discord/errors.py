"""Discord's failures, sorted into the delivery worker's :mod:`~bot.core.ports` error tree.

discord.py raises :class:`discord.HTTPException` subclasses by status (``Forbidden`` 403,
``NotFound`` 404, ``DiscordServerError`` 5xx) after retrying 429s and some 5xx itself;
``discord.RateLimited`` when a wait would exceed ``max_ratelimit_timeout``. Error codes are
from discord-api-docs ``topics/opcodes-and-status-codes.md`` ("JSON Error Codes").

Errors::

    DiscordSetupError     DISCORD_TOKEN is missing or Discord refuses it (fix, then restart)
"""

from __future__ import annotations

from typing import Final

import aiohttp
import discord

from bot.core.ports import (
    ChannelUnavailable,
    DeliveryError,
    MessageRejected,
    RateLimited,
    TransientError,
)

__all__ = ["SEND_ERRORS", "TOKEN_ENV", "DiscordSetupError", "delivery_error", "is_ambiguous"]

#: Where the bot token comes from (never from a file; see ``bot.config.Secrets``).
TOKEN_ENV: Final = "DISCORD_TOKEN"
#: 400s that are about the channel, not the message: 50008 cannot send in a non-text
#: channel, 50024 cannot do this on this channel type, 50083 thread archived, 160005 thread
#: locked. Nothing reaches such a channel until someone changes it.
#: What a REST call may raise (after discord.py's own retries): all of it maps to the tree.
SEND_ERRORS: Final = (
    discord.HTTPException,
    discord.RateLimited,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)
_CHANNEL_CODES: Final = frozenset({50008, 50024, 50083, 160005})
_DEFAULT_RETRY_AFTER: Final = 1.0
_SHOWN: Final = 200  # characters of Discord's error text kept in a reason


class DiscordSetupError(Exception):
    """The bot cannot log in: ``DISCORD_TOKEN`` is missing or refused. The message says which."""


def is_ambiguous(error: BaseException) -> bool:
    """A failure after which Discord may have stored the message (5xx, timeout, lost reply)."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500
    return isinstance(error, aiohttp.ClientError | TimeoutError | ConnectionError)


def delivery_error(error: BaseException, what: str) -> DeliveryError:
    """The :class:`~bot.core.ports.DeliveryError` for a failed send.

    Args:
        error: What discord.py (or aiohttp underneath it) raised.
        what: The action, for the message (``"posting 2505.19590 (2025-05-27) to 1234"``).
    """
    if isinstance(error, discord.RateLimited):
        return RateLimited(f"{what}: rate limited", error.retry_after)
    if not isinstance(error, discord.HTTPException):
        return TransientError(f"{what}: {type(error).__name__} {error}".strip())
    reason = f"{what}: {error.status} {error.text[:_SHOWN]} (code {error.code})"
    if error.status == 429:
        return RateLimited(reason, _retry_after(error))
    if error.status >= 500:
        return TransientError(reason)
    if error.status in (401, 403, 404) or error.code in _CHANNEL_CODES:
        return ChannelUnavailable(reason)
    if error.status in (400, 413):
        return MessageRejected(reason)
    return TransientError(reason)


def _retry_after(error: discord.HTTPException) -> float:
    """``Retry-After`` in seconds; anything unreadable means one second."""
    headers = getattr(error.response, "headers", None)
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else _DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return _DEFAULT_RETRY_AFTER
