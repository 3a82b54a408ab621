"""Tell the delivery pacing when Discord refuses every request of the bot (a global 429).

discord.py answers a global 429 inside ``HTTPClient.request``: it clears its ``_global_over``
event, sleeps ``retry_after`` and lets every waiting request go at once. Our pacing never sees
it, so it keeps handing out turns during the wait; those sends pile up behind discord.py's event
and all reach Discord when it is set, overfill the next one-second window and earn the next
global 429. ``benchmarks/fanout.py`` measured such cascades (up to 71 refusals in one 100-channel
fan-out) whenever delivery ran in its own process.

The watch reads each response through an aiohttp ``TraceConfig`` (discord.py's public
``http_trace`` option, the same one :mod:`bot.discord.request_timeout` uses): a 429 whose
``X-RateLimit-Global`` header is ``true`` (or whose ``X-RateLimit-Scope`` is ``global``) pauses
the listener; the success of a request sent after that refusal was seen resumes it (a request
already on the wire when the refusal came may still be answered from the window before it, and
says nothing about the wait being over). Route and shared-resource 429s are left to
discord.py's per-route buckets, as before.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import aiohttp

from bot.core.delivery.poster import GlobalLimitListener

__all__ = ["GlobalLimitWatch", "is_global_refusal"]

_log = logging.getLogger(__name__)


def is_global_refusal(status: int, headers: Any) -> bool:
    """Whether a response is Discord's global rate limit (not one route's bucket)."""
    if status != 429:
        return False
    return (
        str(headers.get("X-RateLimit-Global", "")).lower() == "true"
        or str(headers.get("X-RateLimit-Scope", "")).lower() == "global"
    )


class GlobalLimitWatch:
    """Watches a client's responses and tells one listener (the platform's pacing)."""

    def __init__(self) -> None:
        self._listener: GlobalLimitListener | None = None
        self._started = 0  # requests sent so far; each request's number is in its trace context
        self._paused_after: int | None = None  # the last request sent when the pause began

    def watch(self, listener: GlobalLimitListener) -> None:
        """From now on tell ``listener`` (instead of an earlier one: a new delivery term)."""
        self._listener = listener

    def add_to(self, trace: aiohttp.TraceConfig) -> aiohttp.TraceConfig:
        """Hook the watch into ``trace`` (the client's ``http_trace``) and return it."""
        trace.on_request_start.append(self._started_one)
        trace.on_request_end.append(self._ended)
        return trace

    async def _started_one(self, _session: Any, context: SimpleNamespace, _params: Any) -> None:
        self._started += 1
        context.global_limit_number = self._started

    async def _ended(
        self, _session: Any, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        listener, response = self._listener, params.response
        if listener is None:
            return
        if is_global_refusal(response.status, response.headers):
            if self._paused_after is None:
                _log.warning("Discord's global rate limit was hit: delivery waits until it passes")
            self._paused_after = self._started
            listener.pause()
        elif (
            response.status < 400
            and self._paused_after is not None
            and getattr(context, "global_limit_number", 0) > self._paused_after
        ):
            self._paused_after = None
            listener.resume()
