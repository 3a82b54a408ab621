"""How ``paperbot post`` gets a digest delivered: by itself, or by the process that delivers.

One process at a time delivers to a platform from a database (:mod:`bot.core.delivery.lease`). When
no one does, ``post`` takes the platform's lease and sends, as it always has. When ``paperbot
serve`` (or another ``post``) holds it, ``post`` plans its messages in the shared outbox and
watches them go out: serve notices the new rows within a second and sends them, and if the
holder stops, ``post`` takes the lease over and sends the rest itself. Either way the outbox
rows are what ``post`` reports from, so both paths report the same way.

Exactly once is per day and channel, as for the scheduler: once a channel has a day's digest in
the outbox (its rows, or a record that its filters left every paper out), ``post`` without
``--again`` only sees that plan through. Other filters or another mode that would post other
messages plan nothing (:func:`held_back` says why), not even the papers never sent before:
posting half a day twice, in two forms, is worse than asking for ``--again``.
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
from bot.core.delivery.outbox import HEADER, LISTING, Outbox, RowState
from bot.core.delivery.poster import Poster
from bot.core.delivery.progress import DeliveryProgress, read_progress
from bot.core.delivery.repositories import FilteredDay
from bot.core.delivery.worker import DeliveryReport
from bot.platforms import listing_fits
from bot.storage.protocol import Storage

from .progress import ProgressView

__all__ = [
    "RETRY_PATIENCE",
    "SELF",
    "DeliveryRefused",
    "PostOutcome",
    "held_back",
    "post_digest",
]

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
    held: str | None = None  # the day went out in another form: how (:func:`held_back`)


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
        """Plan the layout's rows: all of them anew with ``--again``, else those missing."""
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
    outbox = Outbox(store, clock)
    planner = Planner(store, outbox, listing_fits, likes=store.reactions.counts)
    layout = await planner.day(target.platform, target.channel, day, routing)
    left = layout.left_out if layout is not None else 0
    planned_before = False
    if not again:
        held = await held_back(outbox, target, day, layout)
        if held is not None:
            progress = await read_progress(store, clock, target.platform, target.channel, day)
            return PostOutcome(target, progress, 0, None, left_out=left, held=held)
        # the same plan was made before: see it through, and record nothing anew
        planned_before = bool(await outbox.states(target.platform, target.channel, day))
    job = _Job(
        store, clock, settings, target, day, None if planned_before else layout, again, view,
        console,
    )  # fmt: skip
    lease = Lease(store, clock, delivery_lease(target.platform), role="post")
    if layout is None or layout.nothing:  # nothing matches: record why, send nothing
        await job.plan(outbox)
        progress = await job.progress()
        return PostOutcome(target, progress, 0, None, left_out=left, nothing_matched=True)
    if planned_before:
        before = await job.progress()
        if before.finished:
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


async def held_back(
    outbox: Outbox, target: Target, day: dt.date, layout: DayPlan | None
) -> str | None:
    """Why ``layout`` must not be planned without ``--again``, or None when it may be.

    It may when the channel has nothing of the day yet, or when everything it would post is
    planned already (the same post again, or after a crash: what is missing is sent). It may
    not when the day went out in another form (other filters, the other mode): then this says
    how, e.g. ``already delivered on slack:C1 (a header and 5 cards; 42 papers left out by
    the filters then)``.
    """
    platform, channel = target.platform, target.channel
    states = await outbox.states(platform, channel, day)
    filtered = await outbox.filtered(platform, channel, day)
    if not states and filtered is None:
        return None
    wanted = {row.paper for row in layout.rows} if layout is not None else set()
    if wanted <= states.keys() and (wanted or not states):
        return None
    return _earlier(target, states, filtered)


def _earlier(target: Target, states: dict[str, RowState], filtered: FilteredDay | None) -> str:
    """How a channel got a day before: ``already delivered on console:console (3 cards)``."""
    pages = sum(paper.startswith(LISTING) for paper in states)
    cards = sum(paper != HEADER and not paper.startswith(LISTING) for paper in states)
    parts: list[str] = []
    header = "a header and " if HEADER in states else ""
    if pages:
        parts.append(f"a listing in {_count(pages, 'message')}")
    elif states:
        parts.append(header + _count(cards, "card"))
    if filtered is not None:
        then = "every paper" if not states else _count(filtered.left_out, "paper")
        parts.append(f"{then} left out by the filters then")
    sent = any(state is RowState.SENT for state in states.values())
    verb = "delivered on" if sent or not states else "planned for"
    return f"already {verb} {target} ({'; '.join(parts)})"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


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
