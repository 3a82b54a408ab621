"""When enrichment runs inside ``serve``: after a digest lands, and shortly before posting.

A digest archived by the watcher or the poller is enriched in the background, one day at a
time, so ingest never waits on Hugging Face. Upvotes keep coming in through the day, so the
newest digest is fetched again ``[enrichment] refresh`` minutes before the next posting time
of any subscription. Posting never waits for either: a card renders whatever metadata has
landed by then. A failure is logged (once per day and reason) and never stops ``serve``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.clock import Clock, sleep_unless
from bot.core.enrichment.enricher import Enricher
from bot.core.errors import StorageError

__all__ = ["BackgroundEnrichment", "NextPosting"]

_log = logging.getLogger(__name__)

#: The next posting time of any subscription (epoch seconds), or None if there is none.
NextPosting = Callable[[], Awaitable[float | None]]


class BackgroundEnrichment:
    """Enriches landed digests, and the newest one before each posting time."""

    def __init__(
        self,
        enricher: Enricher,
        clock: Clock,
        *,
        latest: Callable[[], Awaitable[dt.date | None]],
        next_posting: NextPosting,
        refresh_minutes: int,
    ) -> None:
        self._enricher = enricher
        self._clock = clock
        self._latest = latest
        self._next_posting = next_posting
        self._lead = refresh_minutes * 60.0
        self._queue: dict[dt.date, None] = {}  # in order, each day once
        self._wake = asyncio.Event()
        self._stopping = False
        self._current: asyncio.Task[None] | None = None  # the enrichment in flight
        self._refreshed_for: float | None = None  # the posting time last refreshed for
        self._told: set[tuple[dt.date, str]] = set()
        self.done: list[dt.date] = []  # days enriched, in order (for status and tests)

    def request(self, date: dt.date) -> None:
        """Enrich the digest of ``date`` soon (at once if the loop is idle)."""
        self._queue[date] = None
        self._wake.set()

    def landed(self, result: IngestResult) -> None:
        """The sources' callback: a new or replaced digest is enriched."""
        if result.status is not IngestStatus.UNCHANGED:
            self.request(result.date)

    def stop(self) -> None:
        """End :meth:`run` now: a fetch in flight is abandoned (Hugging Face being slow or
        unreachable must not hold ``serve``'s shutdown; the next start enriches again)."""
        self._stopping = True
        self._wake.set()
        if self._current is not None:
            self._current.cancel()

    async def run(self) -> None:
        """Until stopped: enrich what was requested, and refresh before each posting time."""
        if (newest := await self._latest()) is not None:
            self.request(newest)  # an archive from before this start, or last night's list
        while not self._stopping:
            slot, due = await self._next_due()
            woke = await sleep_unless(self._clock, due, self._wake)
            self._wake.clear()
            if self._stopping:
                return
            if not woke and slot is not None and self._clock.now() >= slot - self._lead:
                self._refreshed_for = slot
                if (newest := await self._latest()) is not None:
                    self.request(newest)
            while self._queue and not self._stopping:
                day = next(iter(self._queue))
                del self._queue[day]
                self._current = asyncio.create_task(self._enrich(day))
                try:
                    await self._current
                except asyncio.CancelledError:
                    if not self._stopping:  # cancelled from outside: serve is going down
                        raise
                    return
                finally:
                    self._current = None

    async def _next_due(self) -> tuple[float | None, float | None]:
        """The posting time to refresh for, and seconds until then (None: nothing to wait for)."""
        if self._lead <= 0:
            return None, None
        slot = await self._next_posting()
        if slot is None:
            return None, None
        now = self._clock.now()
        if slot == self._refreshed_for:  # done for this one: look again once it has passed
            return None, max(slot - now, 0.0) + 1.0
        return slot, max(slot - self._lead - now, 0.0)

    async def _enrich(self, day: dt.date) -> None:
        try:
            report = await self._enricher.enrich_day(day)
        except LookupError:
            return  # replaced by nothing: the digest went away meanwhile
        except StorageError as error:
            self._tell_once(day, f"could not store its metadata: {error}")
            return
        self.done.append(day)
        if report.problem:
            self._tell_once(day, report.problem)
        else:
            _log.info("enriched %s: %d of %d papers", day, report.enriched, report.papers)

    def _tell_once(self, day: dt.date, problem: str) -> None:
        if (day, problem) not in self._told:
            self._told.add((day, problem))
            _log.warning("enrichment of %s: %s (cards go out without it)", day, problem)
