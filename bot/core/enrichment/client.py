"""Asking Hugging Face: a day's list and single papers, paced, retried and bounded.

Hugging Face rate-limits its API (429 with ``Retry-After``) and has bad minutes (5xx); the
enricher runs in the background, so it can afford to wait a little and try again, but never
for long: every call is bounded by ``[enrichment] timeout``, retries included. A body that is
not the JSON we expect (truncated, an HTML error page, hostile) is reported as
:class:`HuggingFaceError`, never as a crash.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any, Final

import aiohttp
from pydantic import ValidationError

from bot.core.clock import Clock
from bot.core.enrichment.response import DailyPaper, PaperInfo

__all__ = ["HuggingFaceClient", "HuggingFaceError"]

_log = logging.getLogger(__name__)

#: Items asked for per page of ``/daily_papers``; the busiest real day lists ~50 papers.
PAGE_SIZE: Final = 100
MAX_PAGES: Final = 5
ATTEMPTS: Final = 4  # per request: the first and three retries
BACKOFF_S: Final = 1.0  # doubled after each failed attempt, without Retry-After
MAX_WAIT_S: Final = 30.0  # a longer Retry-After is not waited for: the next run tries again
MIN_GAP_S: Final = 0.1  # between requests: at most 10 a second, well inside HF's limits
MAX_BODY: Final = 8 * 1024 * 1024  # bytes: a day's list is ~100 kB


class HuggingFaceError(Exception):
    """Hugging Face could not be asked, or did not answer usefully; the message says why."""


class HuggingFaceClient:
    """The two endpoints the enricher reads, over one :class:`aiohttp.ClientSession`."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, clock: Clock, *, timeout: float
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._clock = clock
        self._timeout = timeout
        self._last = float("-inf")
        self.requests = 0  # made so far, retries included

    async def daily_papers(self, date: dt.date) -> list[DailyPaper]:
        """Every item of the day's list (paged while a page is full); malformed items skipped."""
        items: list[DailyPaper] = []
        for page in range(MAX_PAGES):
            params = {"date": date.isoformat(), "limit": str(PAGE_SIZE), "p": str(page)}
            body = await self._get("/daily_papers", params)
            if body is None:
                break
            if not isinstance(body, list):
                raise HuggingFaceError("the daily list is not a JSON array")
            items.extend(_parsed(body))
            if len(body) < PAGE_SIZE:
                break
        return items

    async def paper(self, arxiv_id: str) -> PaperInfo | None:
        """One paper; None when Hugging Face does not know it."""
        body = await self._get(f"/papers/{arxiv_id}", {})
        if body is None:
            return None
        try:
            return PaperInfo.model_validate(body)
        except ValidationError as error:
            raise HuggingFaceError(f"paper {arxiv_id}: unexpected JSON") from error

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        """The JSON at ``path``; None on 404. Retries 429 and 5xx within the timeout."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._get_retried(path, params)
        except TimeoutError:
            raise HuggingFaceError(f"no answer from Hugging Face in {self._timeout:g} s") from None

    async def _get_retried(self, path: str, params: dict[str, str]) -> Any:
        wait = BACKOFF_S
        for attempt in range(1, ATTEMPTS + 1):
            await self._clock.sleep(self._last + MIN_GAP_S - self._clock.now())
            self._last = self._clock.now()
            self.requests += 1
            try:
                async with self._session.get(self._base + path, params=params) as response:
                    if response.status == 404:
                        return None
                    if response.status == 429 or response.status >= 500:
                        retry = _retry_after(response.headers.get("Retry-After"))
                        reason = f"HTTP {response.status}"
                    elif response.status != 200:
                        raise HuggingFaceError(f"{path}: HTTP {response.status}")
                    else:
                        return _json(await _body(response), path)
            except aiohttp.ClientError as error:
                retry, reason = None, type(error).__name__
            if attempt == ATTEMPTS:
                break
            delay = wait if retry is None else retry
            if delay > MAX_WAIT_S:
                raise HuggingFaceError(f"{path}: {reason}, asked to wait {delay:g} s")
            await self._clock.sleep(delay)
            wait *= 2
        raise HuggingFaceError(f"{path}: {reason} after {ATTEMPTS} attempts")


def _retry_after(value: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header (the delta-seconds form), or None."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


async def _body(response: aiohttp.ClientResponse) -> bytes | None:
    """The body, or None once it grows past :data:`MAX_BODY` (read no further)."""
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > MAX_BODY:
            return None
    return bytes(data)


def _json(data: bytes | None, path: str) -> Any:
    if data is None:
        raise HuggingFaceError(f"{path}: answer larger than {MAX_BODY} bytes")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise HuggingFaceError(f"{path}: the answer is not JSON ({error})") from None


def _parsed(body: list[Any]) -> list[DailyPaper]:
    items, bad = [], 0
    for raw in body:
        try:
            items.append(DailyPaper.model_validate(raw))
        except ValidationError:
            bad += 1
    if bad:
        _log.warning("skipped %d malformed item(s) of Hugging Face's daily list", bad)
    return items
