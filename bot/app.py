"""The composition root: everything ``serve``, ``post`` and the other commands build from config.

One ``AsyncExitStack`` in :func:`serve` owns every long-running part (the archive, the
delivery lease, each platform's chat app and poster, the scheduler, the digest sources and the
delivery loop), so start-up order and the reverse shut-down order are written once. SIGINT and
SIGTERM set a stop event: no new sends start, sends in flight finish or are left ``sending``
for reconciliation, connections close, exit 0. ``paperbot post`` needs only a target, a poster
and the outbox worker, built here too (:func:`parse_target`, :func:`open_poster`,
:func:`make_worker`). No platform is named: their registrations (:mod:`bot.platforms`) say
what each one needs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from bot.config import Config, PacingConfig, Secrets
from bot.core.archive.ingest import digest_files, ingest_file
from bot.core.archive.lookup import Lookup
from bot.core.archive.records import IngestResult
from bot.core.clock import Clock, SystemClock
from bot.core.daily.config import sync_subscriptions
from bot.core.daily.planner import Planner
from bot.core.daily.schedule import Scheduler
from bot.core.daily.sources import DirectoryWatcher
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.commit_watch import CommitWatch
from bot.core.delivery.lease import Lease, LeaseHeld, delivery_lease
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.pacing import Pacer, Pacing
from bot.core.delivery.poster import Poster
from bot.core.delivery.worker import RetryPolicy, Worker
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.editor import CountEditor
from bot.heap import settled_heap
from bot.platforms import PLATFORMS, find_platform, listing_fits
from bot.registry import ChannelIdError, Platform, SetupError, either
from bot.startup import log_schedule, log_sync, missing_tokens, unserved, warn_half_set
from bot.storage import open_store
from bot.storage.protocol import Storage
from bot.supervise import ServingContext, halt, stop_on_signals, until_stopped

if TYPE_CHECKING:
    from rich.console import Console

    from bot.core.enrichment.background import BackgroundEnrichment

__all__ = [
    "NothingToServe",
    "SetupError",
    "Target",
    "database_location",
    "make_worker",
    "open_poster",
    "parse_target",
    "serve",
]

_log = logging.getLogger(__name__)

#: The delivery loop wakes at least this often to send retries that came due; work planned by
#: this process wakes it at once, and work planned by another within a second (CommitWatch).
DELIVERY_TICK = 30.0
#: How long ``serve`` waits for another process's delivery lease at start.
LEASE_PATIENCE = 30.0

_ONE_CHANNEL: Final = "|".join(re.escape(p.name) for p in PLATFORMS if p.one_channel)
_WITH_IDS: Final = "|".join(re.escape(p.name) for p in PLATFORMS if p.channel_ids)
_TARGET: Final = re.compile(rf"^({_ONE_CHANNEL})$|^({_WITH_IDS}):(.*)$")


class NothingToServe(Exception):
    """No chat platform has credentials and no channel is subscribed: nothing to run."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where ``paperbot post`` sends a digest: ``console``, ``slack:C…`` or ``discord:123…``."""

    platform: str
    channel: str

    @property
    def in_terminal(self) -> bool:
        """Its cards show in this process's terminal (they are their own progress)."""
        found = find_platform(self.platform)
        return found is not None and found.in_terminal

    def __str__(self) -> str:
        found = find_platform(self.platform)
        one = found is not None and found.one_channel is not None
        return self.platform if one else f"{self.platform}:{self.channel}"


def parse_target(text: str) -> Target:
    """Parse ``--to``, checking the channel id's shape before anything is planned for it.

    Raises:
        SetupError: Not one of the registered forms, or not a channel id of its platform (the
            message says what one looks like and where to copy it).
    """
    match = _TARGET.match(text.strip())
    if match is None:
        forms = either([p.target_form for p in PLATFORMS])
        raise SetupError(f"unknown target {text!r}: use {forms}")
    if match.group(1):
        platform = _registered(match.group(1))
        return Target(platform.name, platform.one_channel or platform.name)
    platform = _registered(match.group(2))
    try:
        return Target(platform.name, platform.check_channel(match.group(3).strip()))
    except ChannelIdError as error:
        raise SetupError(str(error)) from None


def database_location(db: Path | str | None, config: Config) -> str:
    """The database ``--db`` names, else ``$PAPERBOT_DATABASE_URL``, else ``[storage]``'s
    ``url``, else its ``path`` (SQLite)."""
    return str(db) if db is not None else config.storage.location()


@asynccontextmanager
async def open_poster(
    target: Target, config: Config, secrets: Secrets, *, terminal: Console | None = None
) -> AsyncIterator[Poster]:
    """A connected poster for ``target``, closed on exit.

    Args:
        terminal: Where a platform that prints shows its cards (None: stdout).

    Raises:
        SetupError: The platform's token is not set in the environment, or is refused.
    """
    platform = _registered(target.platform)
    try:
        async with platform.poster(config, secrets, terminal) as poster:
            yield poster
    except platform.setup_errors() as error:
        raise SetupError(str(error)) from None


def _pacing(config: PacingConfig) -> Pacing:
    return Pacing(
        per_channel=config.per_channel_per_second,
        channel_burst=config.channel_burst,
        overall=config.overall_per_second,
        overall_burst=config.overall_burst,
    )


def make_worker(store: Storage, posters: dict[str, Poster], config: Config, clock: Clock) -> Worker:
    """The outbox worker, paced and retrying as ``[delivery]`` says."""
    delivery = config.delivery
    pacers = {
        p.name: Pacer(clock, _pacing(pacing))
        for p in PLATFORMS
        if (pacing := delivery.pacing(p.name)) is not None
    }
    policy = RetryPolicy(delivery.max_attempts, delivery.base_delay, delivery.max_delay)
    return Worker(store, posters, clock, pacers=pacers, policy=policy)


def _registered(name: str) -> Platform:
    found = find_platform(name)
    if found is None:
        raise SetupError(f"unknown platform {name!r}")
    return found


async def serve(
    config: Config,
    secrets: Secrets,
    db: str,
    *,
    stop: asyncio.Event | None = None,
    clock: Clock | None = None,
) -> None:
    """Run until ``stop`` is set (by default: until SIGINT or SIGTERM).

    Raises:
        NothingToServe: No platform's tokens are set and no subscription is declared.
        SetupError: A platform's credentials are incomplete or refused (a declared
            subscription's platform has no token), or another paperbot process holds the
            delivery lease.
    """
    if problem := missing_tokens(config, secrets):  # before the archive is even created
        raise SetupError(problem)
    warn_half_set(secrets)
    stop = stop or stop_on_signals()
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(open_store(db))
        lookup = Lookup(store)
        _log.info("archive: %s", db)
        subscriptions = Subscriptions(store, clock)
        log_sync(await sync_subscriptions(subscriptions, config.subscriptions))
        running: list[asyncio.Task[None]] = []
        subscribed = {sub.platform for sub in await subscriptions.list()}
        posters: dict[str, Poster] = {}
        editor = CountEditor(store, posters, clock)
        voice = VoiceDesk(store, clock, editor=editor)
        for platform in PLATFORMS:
            if not _switched_on(platform, secrets, subscribed):
                continue
            planner = Planner(
                store, Outbox(store, clock), listing_fits, likes=store.reactions.counts
            )
            serving = ServingContext(
                platform.name, stack, config, secrets, lookup, subscriptions, clock, running,
                planner, voice,
            )  # fmt: skip
            try:
                posters[platform.name] = await platform.serve(serving)
            except platform.setup_errors() as error:
                raise SetupError(str(error)) from None
        waiting = unserved(await subscriptions.list(), posters)
        if not posters:
            chat = ", or ".join(p.credentials for p in PLATFORMS if p.credentials)
            raise NothingToServe(
                f"nothing to serve: {waiting} (see README.md)"
                if waiting
                else f"nothing to serve: set {chat} (see README.md), or declare "
                "[[subscriptions]] in the config"
            )
        if waiting:
            _log.warning("%s", waiting)
        lease = Lease(store, clock, [delivery_lease(p) for p in posters], role="serve")
        try:
            await lease.acquire_or_wait(LEASE_PATIENCE)
        except LeaseHeld as error:
            raise SetupError(str(error)) from None
        stack.push_async_callback(lease.release)
        _log.info("delivering to %s, for this process and for `paperbot post`", ", ".join(posters))
        worker = make_worker(store, posters, config, clock)
        work = asyncio.Event()

        def committed() -> None:  # maybe another process planned or requeued messages
            worker.poke()
            work.set()

        version = await store.watch_version()
        stack.callback(version.close)

        def stop_delivery() -> None:
            worker.stop()
            work.set()

        async def wake(*_: object) -> None:
            work.set()

        scheduler = Scheduler(
            store,
            subscriptions,
            clock,
            wake,
            wait=config.schedule.wait_hours * 3600,
            recheck=config.schedule.recheck_seconds,
            fits=listing_fits,
            follows=posters.keys(),
            on_follows=work.set,
        )
        subscriptions.on_change = scheduler.notify
        background = await _background_enrichment(stack, store, scheduler, config, clock)

        def landed(result: IngestResult) -> None:
            scheduler.notify()
            if background is not None:
                background.landed(result)

        for folder in config.sources.watch:
            await _ingest_existing(store, Path(folder))
        posting_now: dict[tuple[str, str], dt.date] = {}
        if config.schedule.post_at_start:
            for sub in await subscriptions.list():
                if sub.platform not in posters or sub.paused:
                    continue
                if day := await scheduler.plan_now(sub.platform, sub.channel):
                    posting_now[sub.platform, sub.channel] = day
        log_schedule(await scheduler.status(), posters, posting_now)
        components: list[
            tuple[str, Callable[[], Coroutine[Any, Any, None]], Callable[[], None]]
        ] = [
            ("scheduler", scheduler.run, scheduler.stop),
            ("delivery", lambda: _deliver_forever(worker, work, lease, clock), stop_delivery),
            ("count edits", editor.run, editor.stop),
        ]
        if background is not None:
            components.append(("enrichment", background.run, background.stop))
        if version.watching:
            commits = CommitWatch(version, committed)
            components.append(("outbox watch", commits.run, commits.stop))
        for folder in config.sources.watch:
            watcher = DirectoryWatcher(
                store, Path(folder), clock, landed, interval=config.sources.watch_interval_seconds
            )
            components.append((f"watch {folder}", watcher.run, watcher.stop))
        if config.sources.http:
            import aiohttp  # only here: the one-shot commands this module serves skip it

            from bot.core.daily.http_source import HttpPoller

            session = await stack.enter_async_context(aiohttp.ClientSession())
            for source in config.sources.http:
                poller = HttpPoller(store, session, clock, source, landed)
                components.append((f"poll {source.url}", poller.run, poller.stop))
        for name, run, stop_it in components:
            task = asyncio.create_task(run(), name=name)
            stack.push_async_callback(halt, task, stop_it)
            running.append(task)
            _log.info("%s: started", name)
        work.set()  # reconcile and send whatever is already planned
        setup_errors = tuple(e for p in PLATFORMS if p.name in posters for e in p.setup_errors())
        with settled_heap():
            await until_stopped(stop, running, setup_errors)
        _log.info("stopping: finishing sends in flight, closing connections")


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


def _switched_on(platform: Platform, secrets: Secrets, subscribed: set[str]) -> bool:
    """A platform with credentials serves when its token is set; one without (the console)
    when a channel of it is subscribed."""
    token = platform.token
    return bool(getattr(secrets, token.field)) if token else platform.name in subscribed


async def _ingest_existing(store: Storage, folder: Path) -> None:
    """Archive what a watched folder already holds, before the first slot is computed.

    A missing folder is reported by its watcher, which keeps looking for it.
    """
    for path in digest_files([folder]):
        done = await ingest_file(store, path)
        if done.result is not None:
            _log.info("%s: %s", path, done.result.status)


async def _deliver_forever(worker: Worker, work: asyncio.Event, lease: Lease, clock: Clock) -> None:
    """Drain the outbox whenever work is planned, and every tick for retries that came due.

    Stopping: :func:`bot.supervise.halt` calls ``worker.stop()`` through the component's stop
    function, which also sets ``work`` so the loop wakes and returns.
    """
    while not worker.stopping:
        work.clear()
        report = await worker.run_until_idle(lease, deadline=clock.now() + DELIVERY_TICK)
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
