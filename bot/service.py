"""``paperbot serve``: every long-running part, in one event loop, started and stopped here.

One ``AsyncExitStack`` owns the archive, the delivery lease, each chat app and poster, the
scheduler, the digest sources and the delivery loop, so start-up order and the reverse
shut-down order are written once. SIGINT and SIGTERM set a stop event: no new sends start,
sends in flight finish or are left ``sending`` for reconciliation, connections close, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.config import Config, Secrets
from bot.core.answers.subscription_answers import SubscriptionDesk
from bot.core.archive.ingest import digest_files, ingest_file
from bot.core.archive.lookup import Lookup
from bot.core.clock import Clock, SystemClock
from bot.core.daily.config import sync_subscriptions
from bot.core.daily.schedule import Scheduler
from bot.core.daily.sources import DirectoryWatcher
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.commit_watch import CommitWatch
from bot.core.delivery.lease import Lease, LeaseHeld, delivery_lease
from bot.core.delivery.poster import Poster
from bot.core.delivery.worker import Worker
from bot.heap import settled_heap
from bot.startup import log_schedule, log_sync, missing_tokens, unserved, warn_half_set
from bot.storage.sqlite.store import Store
from bot.storage.sqlite.version import ArchiveVersion

__all__ = ["NothingToServe", "serve"]

_log = logging.getLogger(__name__)

#: The delivery loop wakes at least this often to send retries that came due; work planned by
#: this process wakes it at once, and work planned by another within a second (CommitWatch).
DELIVERY_TICK = 30.0
#: How long ``serve`` waits for another process's delivery lease at start.
LEASE_PATIENCE = 30.0


class NothingToServe(Exception):
    """No chat platform has credentials and no channel is subscribed: nothing to run."""


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
        bot.app.SetupError: A platform's credentials are incomplete or refused (a declared
            subscription's platform has no token), or another paperbot process holds the
            delivery lease.
    """
    from bot.app import SetupError, make_worker

    if problem := missing_tokens(config, secrets):  # before the archive is even created
        raise SetupError(problem)
    warn_half_set(secrets)
    stop = stop or _stop_on_signals()
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(Store.open(db))
        lookup = Lookup(store)
        _log.info("archive: %s", db)
        subscriptions = Subscriptions(store, clock)
        log_sync(await sync_subscriptions(subscriptions, config.subscriptions))
        running: list[asyncio.Task[None]] = []
        posters: dict[str, Poster] = {}
        if any(s.platform == "console" for s in await subscriptions.list()):
            from bot.console.poster import ConsolePoster

            posters["console"] = ConsolePoster()
            _log.info("console: posting subscribed digests to this terminal")
        if secrets.slack_bot_token:
            desk = SubscriptionDesk(subscriptions, clock, "slack")
            posters["slack"] = await _start_slack(stack, config, secrets, lookup, desk)
        if secrets.discord_token:
            desk = SubscriptionDesk(subscriptions, clock, "discord")
            posters["discord"] = await _start_discord(stack, config, secrets, lookup, desk, running)
        waiting = unserved(await subscriptions.list(), posters)
        if not posters:
            raise NothingToServe(
                f"nothing to serve: {waiting} (see README.md)"
                if waiting
                else "nothing to serve: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN, or "
                "DISCORD_TOKEN (see README.md), or declare [[subscriptions]] in the config"
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

        version = await ArchiveVersion.open(store)
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
        )
        subscriptions.on_change = scheduler.notify

        def landed(*_: object) -> None:
            scheduler.notify()

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
        ]
        if version.watching:
            commits = CommitWatch(version, committed)
            components.append(("outbox watch", commits.run, commits.stop))
        for folder in config.sources.watch:
            watcher = DirectoryWatcher(
                store, Path(folder), clock, landed, interval=config.sources.watch_interval_seconds
            )
            components.append((f"watch {folder}", watcher.run, watcher.stop))
        if config.sources.http:
            from bot.core.daily.http_source import HttpPoller

            session = await stack.enter_async_context(aiohttp.ClientSession())
            for source in config.sources.http:
                poller = HttpPoller(store, session, clock, source, landed)
                components.append((f"poll {source.url}", poller.run, poller.stop))
        for name, run, halt in components:
            task = asyncio.create_task(run(), name=name)
            stack.push_async_callback(_halt, task, halt)
            running.append(task)
            _log.info("%s: started", name)
        work.set()  # reconcile and send whatever is already planned
        with settled_heap():
            await _until_stopped(stop, running)
        _log.info("stopping: finishing sends in flight, closing connections")


async def _start_slack(
    stack: AsyncExitStack, config: Config, secrets: Secrets, lookup: Lookup, desk: SubscriptionDesk
) -> Poster:
    from bot.app import SetupError
    from bot.slack.app import SlackApp
    from bot.slack.client import SlackSetupError
    from bot.slack.poster import slack_poster

    try:
        await stack.enter_async_context(SlackApp(config.slack, secrets, lookup, desk=desk))
        poster = slack_poster(config.slack, secrets.slack_bot_token, rate_limit_retries=0)
        slack = await stack.enter_async_context(poster)
    except SlackSetupError as error:
        raise SetupError(str(error)) from None
    except (OSError, aiohttp.ClientError, SlackApiError) as error:
        raise SetupError(
            f"slack: cannot start ({type(error).__name__}: {error}); check the network "
            f"and [slack] api_base_url ({config.slack.api_base_url})"
        ) from None
    _log.info("slack: %s mode, answering slash commands", config.slack.mode)
    return slack


async def _start_discord(
    stack: AsyncExitStack,
    config: Config,
    secrets: Secrets,
    lookup: Lookup,
    desk: SubscriptionDesk,
    running: list[asyncio.Task[None]],
) -> Poster:
    from bot.app import SetupError
    from bot.discord.client import run_bot
    from bot.discord.errors import DiscordSetupError
    from bot.discord.poster import discord_poster

    try:
        poster = await stack.enter_async_context(
            discord_poster(config.discord, secrets.discord_token)
        )
    except DiscordSetupError as error:
        raise SetupError(str(error)) from None
    client = asyncio.create_task(
        run_bot(lookup, config.discord, secrets.discord_token, desk=desk), name="discord"
    )
    stack.push_async_callback(_cancel, client)
    running.append(client)
    _log.info("discord: connecting to the gateway, answering slash commands")
    return poster


async def _ingest_existing(store: Store, folder: Path) -> None:
    """Archive what a watched folder already holds, before the first slot is computed.

    A missing folder is reported by its watcher, which keeps looking for it.
    """
    for path in digest_files([folder]):
        done = await ingest_file(store, path)
        if done.result is not None:
            _log.info("%s: %s", path, done.result.status)


async def _deliver_forever(worker: Worker, work: asyncio.Event, lease: Lease, clock: Clock) -> None:
    """Drain the outbox whenever work is planned, and every tick for retries that came due.

    Stopping: :func:`_halt` calls ``worker.stop()`` through the component's stop function,
    which also sets ``work`` so the loop wakes and returns.
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


async def _until_stopped(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> None:
    """Wait for a stop signal, or for a component to end (which is an error)."""
    from bot.app import SetupError
    from bot.discord.errors import DiscordSetupError

    stopper = asyncio.create_task(stop.wait(), name="stop")
    try:
        done, _ = await asyncio.wait([stopper, *running], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    for task in done:
        if task is stopper:
            continue
        error = task.exception()
        if isinstance(error, DiscordSetupError):
            raise SetupError(str(error))
        if error is not None:
            raise error
        raise SetupError(f"{task.get_name()}: stopped unexpectedly")


async def _halt(task: asyncio.Task[None], halt: Callable[[], None]) -> None:
    """Ask a component to stop, give it a moment to finish, then cancel it."""
    halt()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(asyncio.shield(task), 5)
    await _cancel(task)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Stop a task and wait for it to close its connections."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    return stop
