"""The Slack Web API client paperbot uses, and the checks on its credentials.

One client recipe for both the app and the poster: Slack's base URL from config (tests and
proxies point it elsewhere), and a retry policy that only retries what is safe to retry.
slack_sdk's default policy retries a dropped connection, which after Slack has stored a message
posts it a second time; a 429 is never stored, so retrying it (after ``Retry-After``) is safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

if TYPE_CHECKING:
    from bot.slack.config import SlackConfig

__all__ = [
    "APP_TOKEN_ENV",
    "BOT_TOKEN_ENV",
    "DEFAULT_RATE_LIMIT_RETRIES",
    "SIGNING_SECRET_ENV",
    "SlackSetupError",
    "request_timeout",
    "require_secret",
    "web_client",
]


BOT_TOKEN_ENV: Final = "SLACK_BOT_TOKEN"
APP_TOKEN_ENV: Final = "SLACK_APP_TOKEN"
SIGNING_SECRET_ENV: Final = "SLACK_SIGNING_SECRET"
#: 429s retried per call. slack_sdk sleeps ``Retry-After`` (Slack sends whole seconds, about
#: 1 for chat.postMessage's one-message-per-second channel limit) plus up to a second of jitter.
DEFAULT_RATE_LIMIT_RETRIES: Final = 5
_WHERE: Final = {
    BOT_TOKEN_ENV: "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions",
    APP_TOKEN_ENV: "an app-level token (xapp-…) with connections:write, under Basic Information",
    SIGNING_SECRET_ENV: "the Signing Secret under Basic Information",
}
_PREFIX: Final = {BOT_TOKEN_ENV: "xoxb-", APP_TOKEN_ENV: "xapp-"}


class SlackSetupError(Exception):
    """Slack cannot start: a credential is missing, malformed or refused.

    The message names the environment variable and where the value comes from in the app's
    settings; it never contains the value.
    """


def require_secret(value: str | None, env: str, *, mode: str | None = None) -> str:
    """``value``, or a :class:`SlackSetupError` naming ``env`` when it is unset or malformed.

    Args:
        value: The secret as read by :class:`~bot.config.Secrets`.
        env: Its environment variable (one of the ``*_ENV`` constants).
        mode: The connection mode that needs it, for the message.
    """
    need = f" for Slack's {mode} mode" if mode else ""
    if not value:
        raise SlackSetupError(f"{env} is not set: paperbot needs {_WHERE[env]}{need}.")
    prefix = _PREFIX.get(env)
    if prefix and not value.startswith(prefix):
        raise SlackSetupError(f"{env} does not start with {prefix!r}: it should be {_WHERE[env]}.")
    return value


def request_timeout(config: SlackConfig) -> aiohttp.ClientTimeout:
    """``[slack] request_timeout`` for a session shared by a client (one limit per request)."""
    return aiohttp.ClientTimeout(total=config.request_timeout)


def web_client(
    config: SlackConfig,
    token: str,
    *,
    rate_limit_retries: int = DEFAULT_RATE_LIMIT_RETRIES,
    session: aiohttp.ClientSession | None = None,
) -> AsyncWebClient:
    """An ``AsyncWebClient`` on ``config.api_base_url`` that retries 429s and nothing else.

    Args:
        config: ``[slack]`` settings.
        token: The bot token.
        rate_limit_retries: 429s retried per call before :class:`SlackApiError` is raised.
        session: A shared aiohttp session (else slack_sdk opens one per call). slack_sdk
            applies ``request_timeout`` only to sessions it opens itself, so a shared one must
            carry it (see :func:`request_timeout`).
    """
    return AsyncWebClient(
        token=token,
        base_url=config.api_base_url,
        session=session,
        timeout=config.request_timeout,  # type: ignore[arg-type]  # typed int; aiohttp takes floats
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
    )
