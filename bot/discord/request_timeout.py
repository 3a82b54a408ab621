"""A time limit on each HTTP request the poster's discord.py client sends.

discord.py has no request timeout of its own: its session keeps aiohttp's default of five
minutes, so one hung connection would hold a channel's delivery that long. Wrapping a whole
call in ``asyncio.timeout`` is no substitute, because a call includes discord.py's in-place
retries: it sleeps ``Retry-After`` on a 429 and ``1 + 2 * tries`` seconds after a 500, 502, 504
or 524 (``discord/http.py``, ``HTTPClient.request``). A deadline that lands in the sleep of a
*global* 429 leaves discord.py's ``_global_over`` event cleared for good, and every later
request of the client waits on it forever.

So the limit is armed only while a request is on the wire: an aiohttp ``TraceConfig`` (a public
``discord.Client`` option, ``http_trace``) moves the deadline of the enclosing
:func:`limit_each_request` block to "now + seconds" when a request starts, and clears it when
the response's headers arrive or the request fails. A request that outlives it is cancelled and
the block raises :class:`TimeoutError`, which the poster treats as a lost reply (Discord may
have stored the message). The body of a response is read after the headers without a limit of
ours; aiohttp's own five minutes still apply to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import aiohttp

__all__ = ["limit_each_request", "request_timeout_trace"]

#: The deadline of the innermost :func:`limit_each_request` block of the running task.
_DEADLINE: contextvars.ContextVar[asyncio.Timeout | None] = contextvars.ContextVar(
    "discord_request_deadline", default=None
)


@contextlib.asynccontextmanager
async def limit_each_request() -> AsyncIterator[None]:
    """Time-limit every request sent inside the block (by a client built with the trace).

    Raises:
        TimeoutError: A request took longer than the trace's ``seconds``.
    """
    async with asyncio.timeout(None) as deadline:
        token = _DEADLINE.set(deadline)
        try:
            yield
        finally:
            _DEADLINE.reset(token)


def request_timeout_trace(seconds: float) -> aiohttp.TraceConfig:
    """The ``http_trace`` that arms the enclosing block's deadline for each request."""

    async def started(_session: Any, _context: SimpleNamespace, _params: Any) -> None:
        deadline = _DEADLINE.get()
        if deadline is not None and not deadline.expired():
            deadline.reschedule(asyncio.get_running_loop().time() + seconds)

    async def finished(_session: Any, _context: SimpleNamespace, _params: Any) -> None:
        deadline = _DEADLINE.get()
        if deadline is not None and not deadline.expired():
            deadline.reschedule(None)  # discord.py's own waits between tries are not limited

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(finished)
    trace.on_request_exception.append(finished)
    return trace
