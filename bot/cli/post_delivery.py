"""How ``paperbot post`` gets a digest delivered: by itself, or by the process that delivers.

One process at a time delivers to a platform from a database (:mod:`bot.core.delivery.lease`). When
no one does, ``post`` takes the platform's lease and sends, as it always has. When ``paperbot
serve`` (or another ``post``) holds it, ``post`` plans its messages in the shared outbox and
watches them go out: serve notices the new rows within a second and sends them, and if the
holder stops, ``post`` takes the lease over and sends the rest itself. Either way the outbox
rows are what ``post`` reports from, so both paths report the same way.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from rich.console import Console

from bot.app import SetupError, Target, make_worker, open_poster
from bot.config import Config, Secrets
from bot.core.clock import Clock
from bot.core.daily.planner import DayPlan, Planner, Routing
from bot.core.delivery.lease import Lease, delivery_holders, delivery_lease, describe_owner
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.poster import Poster
from bot.core.delivery.progress import DeliveryProgress, read_progress
from bot.core.delivery.worker import DeliveryReport
from bot.platforms import listing_fits
from bot.storage.protocol import Storage

from .progress import ProgressView

__all__ = ["RETRY_PATIENCE", "SELF", "DeliveryRefused", "PostOutcome", "post_digest"]

_log = logging.getLogger(__name__)

#: ``post`` stops waiting this many seconds after the last progress, or for a retry due later
#: than that: what is left stays planned for the next ``post`` or the service to send.
RETRY_PATIENCE = 60.0
#: How often the outbox is read while a delivery runs (seconds).
WATCH_SECONDS = 0.5
#: ``delivered_by`` when ``post`` sent the messages itself.
SELF = "this process"


class DeliveryRefused(Exception):
    """Nothing can deliver to the target (no credentials here, no deliverer there)."""


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What ``post`` did for one channel, for its summary and ``--format json``."""

    target: Target
    progress: DeliveryProgress
    planned: int  # messages newly planned by this run
    delivered_by: str | None  # SELF, another process, or None (no one, or nothing to send)
    report: DeliveryReport | None = None  # when this process sent
    nothing_to_send: bool = False  # delivered before (or failed before): --again or retry
    waited: bool = True  # False with --no-wait
    left_out: int = 0  # papers the filters left out
    nothing_matched: bool = False  # the filters left out every paper (and no note was asked)


@dataclass(frozen=True, slots=True)
class _Job:
    store: Storage
    clock: Clock
    settings: Config
    target: Target
    day: dt.date
    layout: DayPlan | None  # what the target gets of the digest, laid out once
    again: bool
    view: ProgressView
    console: Console | None

    def poster(self) -> AbstractAsyncContextManager[Poster]:
        """This process's poster for the target; console cards go to ``console`` if given."""
        return open_poster(self.target, self.settings, Secrets.from_env(), terminal=self.console)

    async def progress(self) -> DeliveryProgress:
        return await read_progress(
            self.store, self.clock, self.target.platform, self.target.channel, self.day
        )

    async def plan(self, outbox: Outbox) -> int:
        if self.again:
            await outbox.forget(self.target.platform, self.target.channel, self.day)
        layout = self.layout
        return 0 if layout is None else await outbox.plan_rows(layout.rows, layout.filtered)


async def post_digest(
    store: Storage,
    clock: Clock,
    settings: Config,
    target: Target,
    day: dt.date,
    routing: Routing,
    *,
    again: bool,
    wait: bool,
    view: ProgressView,
    console: Console | None = None,
) -> PostOutcome:
    """Plan a digest for ``target`` and, with ``wait``, see it delivered.

    Args:
        console: Where the console channel's cards go when this process shows them (stderr
            under ``--format json``, whose stdout is the JSON); None for stdout.

    Raises:
        DeliveryRefused: This process must send and cannot (no token), and no one else does.
    """
    planner = Planner(store, Outbox(store, clock), listing_fits, likes=store.reactions.counts)
    layout = await planner.day(target.platform, target.channel, day, routing)
    job = _Job(store, clock, settings, target, day, layout, again, view, console)
    lease = Lease(store, clock, delivery_lease(target.platform), role="post")
    left = layout.left_out if layout is not None else 0
    if layout is None or layout.nothing:  # nothing matches: record why, send nothing
        await job.plan(Outbox(store, clock))
        progress = await job.progress()
        return PostOutcome(target, progress, 0, None, left_out=left, nothing_matched=True)
    if not again:
        before = await job.progress()
        states = await Outbox(store, clock).states(target.platform, target.channel, day)
        if {row.paper for row in layout.rows} <= states.keys() and before.finished:
            return PostOutcome(target, before, 0, None, nothing_to_send=True, left_out=left)
    if not wait:
        planned = await job.plan(Outbox(store, clock))
        holders = await lease.holders()
        who = describe_owner(next(iter(holders.values()))) if holders else None
        return PostOutcome(target, await job.progress(), planned, who, waited=False, left_out=left)
    if await lease.try_acquire():
        outcome = await _send_here(job, lease, None)
    else:
        outcome = await _watch(job, lease, await job.plan(Outbox(store, clock)))
    return dataclasses.replace(outcome, left_out=left)


async def _send_here(job: _Job, lease: Lease, planned: int | None) -> PostOutcome:
    """Send with this process's own poster (the lease is ours), then let the lease go.

    Args:
        planned: How many rows this run planned already, or None to plan them now (after the
            poster is open, so a missing token plans nothing nobody could send).
    """
    target, clock = job.target, job.clock
    try:
        async with job.poster() as poster:
            worker = make_worker(job.store, {target.platform: poster}, job.settings, clock)
            if planned is None:
                planned = await job.plan(worker.outbox)
            run = asyncio.create_task(
                worker.run_until_idle(
                    lease,
                    only={(target.platform, target.channel)},
                    deadline=clock.now() + RETRY_PATIENCE,
                )
            )
            try:
                while not run.done():
                    job.view.show(await job.progress(), SELF)
                    await asyncio.wait([run], timeout=WATCH_SECONDS)
            finally:
                if not run.done():
                    run.cancel()
            report = await run
    except SetupError as error:
        raise DeliveryRefused(await _why_no_one(job, lease, error)) from None
    finally:
        await lease.release()
    return PostOutcome(target, await job.progress(), planned, SELF, report)


async def _watch(job: _Job, lease: Lease, planned: int) -> PostOutcome:
    """Follow the lease holder's delivery of our rows; take over if it lets go."""
    clock = job.clock
    changed, seen = clock.now(), None
    while True:
        holders = await lease.holders()
        if not holders:
            if await lease.try_acquire():
                _log.info("%s: the delivering process let go; sending the rest here", job.target)
                return await _send_here(job, lease, planned)
            continue  # someone else took it first: follow them
        owner = next(iter(holders.values()))
        who = describe_owner(owner)
        progress = await job.progress()
        job.view.show(progress, who)
        head = progress.head
        now = (progress.sent, progress.failed, head) if head is None else (
            progress.sent, progress.failed, head.id, head.state, head.not_before
        )  # fmt: skip
        if now != seen or owner.endswith(":post"):  # another post sends its channel, then lets go
            changed, seen = clock.now(), now
        if (
            progress.finished
            or progress.stuck
            or progress.wait > RETRY_PATIENCE
            or clock.now() - changed > RETRY_PATIENCE
        ):
            return PostOutcome(job.target, progress, planned, who)
        await clock.sleep(WATCH_SECONDS)


async def _why_no_one(job: _Job, lease: Lease, error: SetupError) -> str:
    """The setup error, and which running process delivers where, if one does elsewhere."""
    holders = {
        platform: owner
        for platform, owner in (await delivery_holders(job.store, job.clock)).items()
        if owner != lease.owner
    }
    if not holders:
        return str(error)
    where = ", ".join(sorted(holders))
    who = " and ".join(sorted({describe_owner(owner) for owner in holders.values()}))
    return (
        f"{error}\n{job.target}: {who} runs on this database but posts only to {where}, so "
        f"it cannot send this either: give this process the {job.target.platform} "
        "credentials, or restart it with them"
    )
