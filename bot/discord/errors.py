"""Discord's failures, sorted into the delivery worker's :mod:`~bot.core.delivery.poster` error
tree.

discord.py raises :class:`discord.HTTPException` subclasses by status (``Forbidden`` 403,
``NotFound`` 404, ``DiscordServerError`` 5xx) after retrying 429s and some 5xx itself;
``discord.RateLimited`` when a wait would exceed ``max_ratelimit_timeout``. Error codes are
from discord-api-docs ``topics/opcodes-and-status-codes.md`` ("JSON Error Codes").

A ``ValueError`` raised while discord.py builds a request (a channel id that is not a
number, a payload it refuses) can never succeed as it is: it is ``MessageRejected``, recorded
with its reason, not retried.

Errors::

    DiscordSetupError     cannot log in: DISCORD_TOKEN is missing or refused, or Discord
                          cannot be reached (fix, then restart)
"""

from __future__ import annotations

from typing import Final

import aiohttp
import discord

from bot.core.delivery.poster import (
    ChannelUnavailable,
    DeliveryError,
    MessageRejected,
    RateLimited,
    TransientError,
)

__all__ = [
    "LOGIN_ERRORS",
    "NETWORK_ERRORS",
    "SEND_ERRORS",
    "TOKEN_ENV",
    "DiscordSetupError",
    "delivery_error",
    "is_ambiguous",
    "login_error",
]

#: Where the bot token comes from (never from a file; see ``bot.config.Secrets``).
TOKEN_ENV: Final = "DISCORD_TOKEN"
#: No answer from Discord: a refused or dropped connection, a failed DNS lookup, a timeout.
NETWORK_ERRORS: Final = (aiohttp.ClientError, OSError, TimeoutError)
#: What a REST call may raise (after discord.py's own retries): all of it maps to the tree.
SEND_ERRORS: Final = (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS)
#: What logging in may raise: a refused token, or the errors of any REST call.
LOGIN_ERRORS: Final = (discord.LoginFailure, *SEND_ERRORS)
#: 400s that are about the channel, not the message: 50008 cannot send in a non-text
#: channel, 50024 cannot do this on this channel type, 50083 thread archived, 160005 thread
#: locked. Nothing reaches such a channel until someone changes it.
_CHANNEL_CODES: Final = frozenset({50008, 50024, 50083, 160005})
_DEFAULT_RETRY_AFTER: Final = 1.0
_SHOWN: Final = 200  # characters of Discord's error text kept in a reason


class DiscordSetupError(Exception):
    """The bot cannot log in: no ``DISCORD_TOKEN``, a refused one, or no answer from Discord."""


def is_ambiguous(error: BaseException) -> bool:
    """A failure after which Discord may have stored the message (5xx, timeout, lost reply)."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500
    return isinstance(error, aiohttp.ClientError | TimeoutError | ConnectionError)


def delivery_error(error: BaseException, what: str) -> DeliveryError:
    """The :class:`~bot.core.delivery.poster.DeliveryError` for a failed send.

    Args:
        error: What discord.py (or aiohttp underneath it) raised.
        what: The action, for the message (``"posting 2505.19590 (2025-05-27) to 1234"``).
    """
    if isinstance(error, discord.RateLimited):
        return RateLimited(f"{what}: rate limited", error.retry_after)
    if isinstance(error, ValueError):  # discord.py would not build the request
        return MessageRejected(f"{what}: {error}")
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


def login_error(error: BaseException, api_base_url: str) -> DiscordSetupError:
    """The one-line :class:`DiscordSetupError` for a login that failed (see ``LOGIN_ERRORS``).

    Args:
        error: What ``client.login()`` raised.
        api_base_url: Where discord.py was sent (``[discord] api_base_url``), for the message.
    """
    if isinstance(error, discord.LoginFailure):
        return DiscordSetupError(f"Discord refused {TOKEN_ENV}: reset the token and set it again")
    if isinstance(error, discord.RateLimited):
        return DiscordSetupError(
            f"Discord is limiting logins: try again in {error.retry_after:.0f} s"
        )
    if isinstance(error, discord.HTTPException):
        answer = f"{error.status} {error.text[:_SHOWN]}".strip()
        return DiscordSetupError(
            f"Discord answered {answer} to the login at {api_base_url}: try again later"
        )
    reason = str(error) or type(error).__name__
    return DiscordSetupError(
        f"cannot reach Discord at {api_base_url} ({reason}): check the network connection, "
        "and [discord] api_base_url if it is set"
    )


def _retry_after(error: discord.HTTPException) -> float:
    """``Retry-After`` in seconds; anything unreadable means one second."""
    headers = getattr(error.response, "headers", None)
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else _DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return _DEFAULT_RETRY_AFTER
