"""The delivery worker: drains the outbox, every card to every channel exactly once.

Channels are drained concurrently, each strictly in digest order (header, then cards 1..N).
A row becomes ``sent`` only with the platform's message id; a row left ``sending`` by a crash is
reconciled first (:mod:`bot.core.delivery.reconcile` asks the platform whether it has the
message) so nothing is posted twice. Failures follow the :mod:`bot.core.delivery.poster` tree:
429 waits ``Retry-After``, transient errors back off exponentially with jitter up to a limit,
channel errors pause the channel, rejected messages fail alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.archive.repositories import ArchiveRepository
from bot.core.cards.card import Card, DigestHeaderCard, card_from_paper
from bot.core.cards.listing import DigestListing, ListingPage, listing_item
from bot.core.clock import Clock
from bot.core.delivery.lease import Lease
from bot.core.delivery.outbox import RATE_LIMITED, Outbox, OutboxRow, RowState
from bot.core.delivery.pacing import Pacer
from bot.core.delivery.poster import (
    ChannelUnavailable,
    MessageRejected,
    Posted,
    Poster,
    PostKey,
    RateLimited,
    TransientError,
)
from bot.core.delivery.recipients import loggable
from bot.core.delivery.reconcile import find_posted
from bot.core.delivery.repositories import DeliveryStore
from digest_parser import SectionKey

__all__ = ["DeliveryReport", "RetryPolicy", "Worker", "WorkerStore"]

_log = logging.getLogger(__name__)

#: Reconciliation looks this far before the recorded attempt, for clock skew.
_RECONCILE_MARGIN = 60.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter for transient errors."""

    max_attempts: int = 8
    base_delay: float = 1.0
    max_delay: float = 300.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before attempt ``attempts + 1``: half fixed, half random ("equal jitter")."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(slots=True)
class DeliveryReport:
    """What one drain did."""

    sent: int = 0
    reconciled: int = 0
    retried: int = 0
    failed: int = 0
    paused: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # channels left with a retry due later


class WorkerStore(DeliveryStore, ArchiveRepository, Protocol):
    """What the worker needs of a database: the outbox to drain and the archive to render from."""


class Worker:
    """Drains the outbox through one :class:`Poster` per platform."""

    def __init__(
        self,
        store: WorkerStore,
        posters: Mapping[str, Poster],
        clock: Clock,
        *,
        pacers: Mapping[str, Pacer] | None = None,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._outbox = Outbox(store, clock)
        self._posters = dict(posters)
        self._clock = clock
        self._pacers = dict(pacers or {})
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        self._stopping = asyncio.Event()
        self._poked = asyncio.Event()

    @property
    def outbox(self) -> Outbox:
        """The outbox this worker drains."""
        return self._outbox

    def stop(self) -> None:
        """Finish the sends in flight, start no new ones."""
        self._stopping.set()
        self._poked.set()

    @property
    def stopping(self) -> bool:
        """``stop()`` was called."""
        return self._stopping.is_set()

    def poke(self) -> None:
        """Look for channels with new work now, even while others are being drained.

        ``serve`` pokes when another process (``paperbot post``, ``paperbot retry``) committed
        to the database, so a channel planned there starts at once instead of at the next tick.
        """
        self._poked.set()

    async def run_until_idle(
        self,
        lease: Lease | None = None,
        *,
        only: Collection[tuple[str, str]] | None = None,
        deadline: float | None = None,
    ) -> DeliveryReport:
        """Drain every channel with work until nothing is due or everything waits on a pause.

        Each channel drains in its own task; a channel that gets work meanwhile (planned by
        this process or, after :meth:`poke`, by another) starts without waiting for the rest.

        Args:
            lease: Renewed while draining; the drain stops if it is lost.
            only: Drain just these (platform, channel) pairs.
            deadline: Clock time after which no retry is waited for: a channel whose next
                retry falls later is left, its rows pending for the next run. None waits as
                long as it takes (the service).
        """
        report = DeliveryReport()
        renewal = asyncio.create_task(self._renew(lease)) if lease is not None else None
        draining: dict[tuple[str, str], asyncio.Task[None]] = {}
        try:
            while not self._stopping.is_set():
                self._poked.clear()
                for head in await self._heads(only, report, draining):
                    draining[(head.platform, head.channel)] = asyncio.create_task(
                        self._drain(head.platform, head.channel, report, deadline, head),
                        name=f"drain {head.platform}:{head.channel}",
                    )
                if not draining:
                    break
                poked = asyncio.create_task(self._poked.wait())
                try:
                    await asyncio.wait(
                        [poked, *draining.values()], return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    poked.cancel()
                for key, task in list(draining.items()):
                    if task.done():
                        del draining[key]
                        task.result()  # a drain's error is the run's error
            await asyncio.gather(*draining.values())  # stopping: let sends in flight finish
        finally:
            for task in draining.values():
                task.cancel()
            await asyncio.gather(*draining.values(), return_exceptions=True)
            if renewal is not None:
                renewal.cancel()
        return report

    async def _heads(
        self,
        only: Collection[tuple[str, str]] | None,
        report: DeliveryReport,
        draining: Collection[tuple[str, str]],
    ) -> list[OutboxRow]:
        """The next row of each channel with work this worker can post to, not draining and
        not left waiting: read for all channels at once, so a fan-out to a thousand channels
        starts with one query instead of queueing two per channel before its first post."""
        return [
            row
            for row in await self._outbox.heads()
            if row.platform in self._posters
            and (only is None or (row.platform, row.channel) in only)
            and (row.platform, row.channel) not in draining
            and f"{row.platform}:{row.channel}" not in report.waiting
        ]

    async def _renew(self, lease: Lease) -> None:
        while True:
            await self._clock.sleep(lease.ttl / 3)
            if not await lease.renew():
                _log.error("lost the delivery lease to another process; stopping")
                self.stop()
                return

    async def _drain(
        self,
        platform: str,
        channel: str,
        report: DeliveryReport,
        deadline: float | None,
        head: OutboxRow | None = None,
    ) -> None:
        """Send the channel's rows in order; ``head`` is its next row, already read."""
        poster = self._posters[platform]
        delivered: Counter[str] = Counter()  # messages sent per digest date, for the log
        while not self._stopping.is_set():
            row, head = head, None
            if row is None and await self._outbox.is_paused(platform, channel):
                return
            row = row or await self._outbox.head(platform, channel)
            if row is None:
                for day, count in sorted(delivered.items()):
                    _log.info(
                        "%s:%s: the %s digest delivered (%d messages)",
                        platform,
                        loggable(channel),
                        day,
                        count,
                    )
                return
            wait = row.not_before - self._clock.now()
            if wait > 0:
                if deadline is not None and row.not_before > deadline:
                    report.waiting.append(f"{platform}:{channel}")
                    return
                await self._clock.sleep(wait)
                continue
            if row.state is RowState.SENDING:
                await self._reconcile(row, poster, report)
                continue
            pacer = self._pacers.get(row.platform)
            if pacer is not None:  # before claiming: a crash leaves few rows 'sending'
                await pacer.wait(row.channel)
            if await self._outbox.claim(row):
                sent = report.sent
                await self._send(row, poster, report, pacer)
                delivered[row.digest_date] += report.sent - sent

    async def _reconcile(self, row: OutboxRow, poster: Poster, report: DeliveryReport) -> None:
        since = (row.attempted_at or 0.0) - _RECONCILE_MARGIN
        try:
            found = await find_posted(poster, row.channel, _key(row), since)
        except ChannelUnavailable as error:
            reason = str(error) or type(error).__name__
            await self._outbox.pause(row.platform, row.channel, reason)
            report.paused.append(f"{row.platform}:{loggable(row.channel)}")
            _log.error("%s:%s paused: %s", row.platform, loggable(row.channel), reason)
            return
        except Exception as error:  # 429, 5xx, network: ask again later, never resend blind
            delay = (
                error.retry_after
                if isinstance(error, RateLimited)
                else self._policy.delay(1, self._rng)
            )
            await self._outbox.defer(row, f"checking for a lost post: {error}", delay)
            report.retried += 1
            _log.warning(
                "%s:%s %s: cannot check for a lost post (%s); again in %.0f s",
                row.platform, loggable(row.channel), row.paper, type(error).__name__, delay,
            )  # fmt: skip
            return
        if found is not None:
            await self._outbox.mark_sent(row, found)
            report.reconciled += 1
            _log.info(
                "%s/%s %s: already posted (%s)",
                row.platform,
                loggable(row.channel),
                row.paper,
                found,
            )
        else:
            await self._outbox.retry_later(row, "interrupted before confirmation", 0, counts=False)

    async def _send(
        self, row: OutboxRow, poster: Poster, report: DeliveryReport, pacer: Pacer | None
    ) -> None:
        item = await self._item(row)
        if item is None:
            await self._outbox.mark_failed(row, "no longer in the archive")
            report.failed += 1
            return
        try:
            posted = await self._post(row, poster, item, pacer)
        except RateLimited as error:
            reason = f"{RATE_LIMITED}: {error}"
            await self._outbox.retry_later(row, reason, error.retry_after, counts=False)
            report.retried += 1
        except ChannelUnavailable as error:
            reason = str(error) or type(error).__name__
            await self._outbox.retry_later(row, reason, 0, counts=False)
            await self._outbox.pause(row.platform, row.channel, reason)
            report.paused.append(f"{row.platform}:{loggable(row.channel)}")
            _log.error("%s:%s paused: %s", row.platform, loggable(row.channel), reason)
        except MessageRejected as error:
            await self._outbox.mark_failed(row, str(error))
            report.failed += 1
            _log.error(
                "%s:%s %s rejected: %s", row.platform, loggable(row.channel), row.paper, error
            )
        except (TransientError, Exception) as error:  # never let one send stop the worker
            reason = str(error) or type(error).__name__
            if not isinstance(error, TransientError):
                _log.exception(
                    "unexpected error posting %s to %s", row.paper, loggable(row.channel)
                )
            if row.attempts + 1 >= self._policy.max_attempts:
                await self._outbox.mark_failed(row, f"{reason} (after {row.attempts + 1} tries)")
                report.failed += 1
            else:
                delay = self._policy.delay(row.attempts + 1, self._rng)
                await self._outbox.retry_later(row, reason, delay)
                report.retried += 1
                _log.warning(
                    "%s:%s %s: %s; retrying in %.0f s",
                    row.platform,
                    loggable(row.channel),
                    row.paper,
                    reason[:200],
                    delay,
                )
        else:
            await self._outbox.mark_sent(row, posted)
            report.sent += 1

    async def _post(
        self, row: OutboxRow, poster: Poster, item: Item, pacer: Pacer | None
    ) -> Posted:
        key = _key(row)
        thread = await self._outbox.header_message(row) if row.in_thread else None
        if pacer is not None:  # the last thing before the request: see bot.core.delivery.pacing
            await pacer.send()
        if isinstance(item, DigestHeaderCard):
            return await poster.post_header(row.channel, item, key=key)
        if isinstance(item, DigestListing):
            return await poster.post_listing(row.channel, item, key=key)
        return await poster.post_card(row.channel, item, key=key, thread=thread)

    async def _item(self, row: OutboxRow) -> Item | None:
        day = dt.date.fromisoformat(row.digest_date)
        if row.is_listing:
            return await self._listing(ListingPage.model_validate_json(row.content))
        if row.is_header:
            summary = await self._store.digest(day)
            return DigestHeaderCard(day, len(summary.papers)) if summary is not None else None
        entry = await self._store.paper(row.paper, day)
        if entry is None:
            return None
        shown = [SectionKey(k) for k in row.sections.split(",") if k] or None
        return card_from_paper(
            entry.paper,
            date=day,
            position=entry.position,
            total=entry.total,
            show=shown,
            meta=entry.meta,
        )

    async def _listing(self, page: ListingPage) -> DigestListing:
        """The page as planned; a paper gone from the archive since is left out, not guessed."""
        items = []
        for number, (day, arxiv_id) in enumerate(page.papers, start=page.number):
            entry = await self._store.paper(arxiv_id, day)
            if entry is not None:
                items.append(listing_item(entry.paper, day, number, entry.meta))
        return DigestListing(
            kind=page.kind,
            first=page.first,
            last=page.last,
            items=tuple(items),
            page=page.page,
            pages=page.pages,
            total=page.total,
            left_out=page.left_out,
        )


#: What one outbox row posts.
Item = Card | DigestHeaderCard | DigestListing


def _key(row: OutboxRow) -> PostKey:
    return PostKey(row.channel, row.digest_date, row.paper)
