"""What the delivering ``serve`` runs, built afresh for each term of its leadership.

Of several ``serve`` processes on one database, the one holding the delivery leases
(:class:`bot.core.delivery.leadership.Leadership`) runs these once for all: the scheduler
(and the follow DMs it plans), the outbox worker, the count editor, background enrichment and
the digest sources (folder watchers and HTTP pollers), with the catch-up a term starts with
(archiving what the watched folders hold, ``post_at_start``). Kept out of :mod:`bot.app`,
which builds what every process runs; :func:`make_worker` is here because ``paperbot post``
builds the same worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.config import Config, PacingConfig
from bot.core.archive.ingest import digest_files, ingest_file
from bot.core.archive.records import IngestResult
from bot.core.clock import Clock
from bot.core.daily.schedule import Scheduler
from bot.core.daily.sources import DirectoryWatcher
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.commit_watch import CommitWatch
from bot.core.delivery.leadership import Duty
from bot.core.delivery.pacing import Pacer, Pacing
from bot.core.delivery.poster import GlobalLimitSource, Poster
from bot.core.delivery.worker import RetryPolicy, Worker, WorkerStore
from bot.core.voice.editor import CountEditor
from bot.platforms import PLATFORMS, listing_fits
from bot.startup import log_schedule
from bot.storage.protocol import Storage

if TYPE_CHECKING:
    from bot.core.enrichment.background import BackgroundEnrichment

__all__ = ["DELIVERY_TICK", "DeliveryDuties", "make_worker"]

_log = logging.getLogger(__name__)

#: The delivery loop wakes at least this often to send retries that came due; work planned by
#: this process wakes it at once, and work planned by another within a second (CommitWatch).
DELIVERY_TICK: Final = 30.0


def _pacing(config: PacingConfig) -> Pacing:
    return Pacing(
        per_channel=config.per_channel_per_second,
        channel_burst=config.channel_burst,
        overall=config.overall_per_second,
        overall_burst=config.overall_burst,
    )


def make_worker(
    store: WorkerStore, posters: dict[str, Poster], config: Config, clock: Clock
) -> Worker:
    """The outbox worker, paced and retrying as ``[delivery]`` says.

    A poster that reports the platform's global refusals pauses its platform's pacing while
    they last (:class:`GlobalLimitSource`).
    """
    delivery = config.delivery
    pacers = {
        p.name: Pacer(clock, _pacing(pacing))
        for p in PLATFORMS
        if (pacing := delivery.pacing(p.name)) is not None
    }
    for name, poster in posters.items():
        if name in pacers and isinstance(poster, GlobalLimitSource):
            poster.watch_global_limit(pacers[name])
    policy = RetryPolicy(delivery.max_attempts, delivery.base_delay, delivery.max_delay)
    return Worker(store, posters, clock, pacers=pacers, policy=policy)


@dataclass(frozen=True, slots=True)
class DeliveryDuties:
    """What a term needs: the store, this process's posters, the config, the clock.

    ``editor`` is the process's one count editor (the chat apps' presses poke it); a term runs
    it and cancels it at the end, which it survives (:class:`Duty` with no stop).
    """

    store: Storage
    posters: dict[str, Poster]
    editor: CountEditor
    subscriptions: Subscriptions
    config: Config
    clock: Clock

    async def __call__(self, term: AsyncExitStack) -> list[Duty]:
        """Catch up (watched folders, ``post_at_start``) and build the term's duties."""
        store, config, clock, posters = self.store, self.config, self.clock, self.posters
        _log.info("delivering to %s, for this process and for `paperbot post`", ", ".join(posters))
        worker = make_worker(store, posters, config, clock)
        work = asyncio.Event()

        def committed() -> None:  # maybe another process planned or requeued messages
            worker.poke()
            work.set()

        def stop_delivery() -> None:
            worker.stop()
            work.set()

        async def wake(*_: object) -> None:
            work.set()

        version = await store.watch_version()
        term.callback(version.close)
        scheduler = Scheduler(
            store,
            self.subscriptions,
            clock,
            wake,
            wait=config.schedule.wait_hours * 3600,
            recheck=config.schedule.recheck_seconds,
            fits=listing_fits,
            follows=posters.keys(),
            on_follows=work.set,
        )
        self.subscriptions.on_change = scheduler.notify
        term.callback(setattr, self.subscriptions, "on_change", None)
        background = await _background_enrichment(term, store, scheduler, config, clock)

        def landed(result: IngestResult) -> None:
            scheduler.notify()
            if background is not None:
                background.landed(result)

        for folder in config.sources.watch:
            await _ingest_existing(store, Path(folder))
        await self._post_at_start(scheduler)
        duties = [
            Duty("scheduler", scheduler.run, scheduler.stop),
            Duty("delivery", lambda: _deliver_forever(worker, work, clock), stop_delivery),
            Duty("count edits", self.editor.run),
        ]
        if background is not None:
            duties.append(Duty("enrichment", background.run, background.stop))
        if version.watching:
            commits = CommitWatch(version, committed)
            duties.append(Duty("outbox watch", commits.run, commits.stop))
        for folder in config.sources.watch:
            watcher = DirectoryWatcher(
                store, Path(folder), clock, landed, interval=config.sources.watch_interval_seconds
            )
            duties.append(Duty(f"watch {folder}", watcher.run, watcher.stop))
        if config.sources.http:
            import aiohttp  # only here: the one-shot commands skip it

            from bot.core.daily.http_source import HttpPoller

            session = await term.enter_async_context(aiohttp.ClientSession())
            for source in config.sources.http:
                poller = HttpPoller(store, session, clock, source, landed)
                duties.append(Duty(f"poll {source.url}", poller.run, poller.stop))
        work.set()  # reconcile and send whatever is already planned
        return duties

    async def _post_at_start(self, scheduler: Scheduler) -> None:
        """``[schedule] post_at_start``: plan today's digest now; log the schedule either way."""
        posting_now: dict[tuple[str, str], dt.date] = {}
        if self.config.schedule.post_at_start:
            for sub in await self.subscriptions.list():
                if sub.platform not in self.posters or sub.paused:
                    continue
                if day := await scheduler.plan_now(sub.platform, sub.channel):
                    posting_now[sub.platform, sub.channel] = day
        log_schedule(await scheduler.status(), self.posters, posting_now)


async def _background_enrichment(
    stack: AsyncExitStack, store: Storage, scheduler: Scheduler, config: Config, clock: Clock
) -> BackgroundEnrichment | None:
    """Enrichment for ``serve`` (None when ``[enrichment] enabled = false``)."""
    if not config.enrichment.enabled:
        return None
    from bot.core.enrichment.background import BackgroundEnrichment  # aiohttp: serve only
    from bot.core.enrichment.enricher import open_enricher

    enricher = await stack.enter_async_context(open_enricher(config.enrichment, store, clock))

    async def next_posting() -> float | None:
        times = [s.next_run.timestamp() for s in await scheduler.status() if s.next_run]
        return min(times, default=None)

    return BackgroundEnrichment(
        enricher,
        clock,
        latest=store.latest_date,
        next_posting=next_posting,
        refresh_minutes=config.enrichment.refresh,
    )


async def _ingest_existing(store: Storage, folder: Path) -> None:
    """Archive what a watched folder already holds, before the first slot is computed.

    A missing folder is reported by its watcher, which keeps looking for it.
    """
    for path in digest_files([folder]):
        done = await ingest_file(store, path)
        if done.result is not None:
            _log.info("%s: %s", path, done.result.status)


async def _deliver_forever(worker: Worker, work: asyncio.Event, clock: Clock) -> None:
    """Drain the outbox whenever work is planned, and every tick for retries that came due.

    The leadership renews the lease, not the worker: a lost lease ends the term, which stops
    the worker through ``stop_delivery`` (it also sets ``work``, so the loop wakes and returns).
    """
    while not worker.stopping:
        work.clear()
        report = await worker.run_until_idle(deadline=clock.now() + DELIVERY_TICK)
        if report.sent or report.failed or report.paused:
            _log.info(
                "delivered %d messages (%d failed, paused: %s)",
                report.sent,
                report.failed,
                ", ".join(report.paused) or "none",
            )
        woken = asyncio.create_task(work.wait())
        tick = asyncio.create_task(clock.sleep(DELIVERY_TICK))
        _, pending = await asyncio.wait({woken, tick}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
