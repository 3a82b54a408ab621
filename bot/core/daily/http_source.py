"""A digest published at a URL with ``{date}`` in it, polled each day until it appears.

Polling starts at a local time (usually the earliest posting time) and stops when the day's
file has been archived, or ``give_up_hours`` later. It is polite to the server: conditional
requests (``If-None-Match`` from the last ETag, ``If-Modified-Since`` from the last
``Last-Modified``) so an unchanged file costs a 304 and no body, a timeout per request, and
exponential back-off after errors (or the server's ``Retry-After``).

The URL's ``{date}`` says which file to ask for; the archived digest's date is still the one
written in the file (as everywhere else).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

import aiohttp

from bot.core.archive.ingest import ingest_bytes
from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.archive.repositories import ArchiveRepository
from bot.core.clock import Clock, sleep_unless
from bot.core.daily.config import HttpSourceConfig
from bot.core.daily.slots import latest_slot, next_slot
from bot.core.daily.sources import OnDigest
from bot.core.errors import StorageError

__all__ = ["HttpPoller", "PollResult"]

_log = logging.getLogger(__name__)

#: Statuses that mean "not published yet" rather than "something is wrong".
_NOT_YET: Final = frozenset({404, 410})
_MAX_BODY: Final = 16 * 1024 * 1024  # a digest is ~100 KB; anything this big is not one


@dataclass(frozen=True, slots=True)
class PollResult:
    """One request's outcome."""

    status: int | None  # HTTP status; None for a timeout or connection error
    found: bool  # the day's digest is archived: stop polling for this date
    delay: float  # seconds until the next request
    result: IngestResult | None = None
    error: str | None = None


class HttpPoller:
    """Polls one URL template; ``on_digest`` hears of every new or changed digest."""

    def __init__(
        self,
        store: ArchiveRepository,
        session: aiohttp.ClientSession,
        clock: Clock,
        config: HttpSourceConfig,
        on_digest: OnDigest | None = None,
    ) -> None:
        self._store = store
        self._session = session
        self._clock = clock
        self._config = config
        self._on_digest = on_digest
        self._start = dt.time.fromisoformat(config.start)
        self._zone = ZoneInfo(config.timezone)
        self._validators: dict[str, tuple[str | None, str | None]] = {}  # url → (ETag, L-M)
        self._failures = 0
        self._done: set[dt.date] = set()
        self._stopping = asyncio.Event()

    def url_for(self, day: dt.date) -> str:
        """The template with ``{date}`` filled in (ISO ``YYYY-MM-DD``)."""
        return self._config.url.replace("{date}", day.isoformat())

    def stop(self) -> None:
        """End :meth:`run` after the request in progress."""
        self._stopping.set()

    async def run(self) -> None:
        """Poll inside each day's window until :meth:`stop`."""
        _log.info("polling %s from %s %s", self._config.url, self._config.start, self._zone)
        while not self._stopping.is_set():
            try:
                delay = await self.step()
            except StorageError:
                _log.exception("%s: archive error", self._config.url)
                delay = self._config.interval_seconds
            await sleep_unless(self._clock, delay, self._stopping)

    async def step(self) -> float:
        """Poll if a day's window is open and its digest missing; seconds until next step."""
        now = self._clock.now()
        opened = latest_slot(now, self._start, self._zone)
        day, closes = opened.local_date, opened.at + self._config.give_up_hours * 3600
        tomorrow = next_slot(now, self._start, self._zone).at - now
        if now >= closes or day in self._done:
            return tomorrow
        if await self._store.digest(day) is not None:  # archived already (watcher, ingest)
            self._done.add(day)
            return tomorrow
        outcome = await self.poll_once(day)
        if outcome.found:
            self._done.add(day)
            return tomorrow
        if now + outcome.delay >= closes:
            _log.warning("%s: no digest for %s by the end of its window", self._config.url, day)
        return outcome.delay

    async def poll_once(self, day: dt.date) -> PollResult:
        """One conditional GET of the day's URL; archive what it returns."""
        url, config = self.url_for(day), self._config
        etag, modified = self._validators.get(url, (None, None))
        headers = {"If-None-Match": etag} if etag else {}
        if modified:
            headers["If-Modified-Since"] = modified
        timeout = aiohttp.ClientTimeout(total=config.timeout_seconds)
        try:
            async with self._session.get(url, headers=headers, timeout=timeout) as response:
                status = response.status
                if status == 200:
                    body = await response.content.read(_MAX_BODY)
                    fresh = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
                    self._validators[url] = fresh
                elif status in _NOT_YET or status == 304:
                    self._failures = 0
                    return PollResult(status, False, config.interval_seconds)
                else:
                    retry = _retry_after(response.headers.get("Retry-After"))
                    return self._failed(status, f"HTTP {status} from {url}", retry)
        except (TimeoutError, aiohttp.ClientError) as error:
            return self._failed(None, f"{url}: {type(error).__name__}: {error}".rstrip(": "))
        self._failures = 0
        return await self._archive(url, body)

    async def _archive(self, url: str, body: bytes) -> PollResult:
        interval = self._config.interval_seconds
        done = await ingest_bytes(self._store, body, source=url)
        result = done.result
        if result is None:  # not (yet) a digest: keep polling
            _log.warning("%s: not archived: %s", url, done.error)
            return PollResult(200, False, interval, error=done.error)
        if result.status is not IngestStatus.UNCHANGED:
            _log.info("%s: %s digest %s", url, result.date, result.status)
            if self._on_digest is not None:
                self._on_digest(result)
        return PollResult(200, True, interval, result)

    def _failed(
        self, status: int | None, reason: str, retry_after: float | None = None
    ) -> PollResult:
        self._failures += 1
        config = self._config
        backoff = min(config.max_backoff_seconds, config.interval_seconds * 2**self._failures)
        delay = max(backoff, retry_after or 0.0)
        _log.warning("%s; polling again in %.0f s", reason, delay)
        return PollResult(status, False, delay, error=reason)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is ignored)."""
    try:
        return float(value) if value else None
    except ValueError:
        return None
