"""What delivery asks of the database: the outbox and the leases, as Protocols.

The rules live in the core services (:class:`~bot.core.delivery.outbox.Outbox` decides what a
row's states mean, :class:`~bot.core.delivery.lease.Lease` when a lease may be taken over);
a repository only keeps the rows, and each of its calls is one atomic step, so the guards
that make two processes safe ("only a ``pending`` row can be claimed", "a lease is taken only
when free, expired or ours") hold in the database, not between two calls. Times come in as
arguments: the services own the clock. The storage package implements them (each backend's
``outbox.py``, and ``storage/leases.py`` for both); a store offers both as a :class:`DeliveryStore`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.core.delivery.lease import HeldLease
    from bot.core.delivery.outbox import ChannelStatus, OutboxRow, Requeued
    from bot.core.delivery.poster import Posted

__all__ = ["DeliveryStore", "FilteredDay", "LeaseRepository", "OutboxRepository", "PlannedRow"]


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """A message to plan: what :meth:`~bot.core.delivery.outbox.Outbox.plan` asks to add."""

    platform: str
    channel: str
    digest_date: str  # ISO date of the digest
    paper: str  # arXiv id, or ``header``
    position: int  # 0 for the header, then 1..N in digest order
    sections: str  # comma-separated keys shown ('' = all)
    in_thread: bool
    content: str = ""  # a listing page: which papers it lists (ListingPage JSON)


@dataclass(frozen=True, slots=True)
class FilteredDay:
    """What a channel's filters left out of one digest, planned with the day's rows.

    Counted, not listed: a thousand channels would otherwise write 40,000 rows a morning for
    what ``/subscribe preview`` and ``post --dry-run`` can say paper by paper when asked.
    """

    platform: str
    channel: str
    digest_date: str  # ISO date of the digest (of a week: its newest)
    left_out: int  # papers
    reasons: tuple[tuple[str, int], ...]  # (reason, papers), most papers first
    #: How to write it, not stored (read back, it is False): what a weekly listing left out
    #: of its week. It is keyed by the week's newest digest, as that digest's own record may
    #: be (the channel was in ``digest`` mode that day), and replaces that record, so status
    #: shows what the channel's newest plan left out. A day's record never replaces one:
    #: planning a day again changes nothing.
    week: bool = False


class OutboxRepository(Protocol):
    """The ``outbox`` rows and the paused channels."""

    async def add(
        self, rows: Sequence[PlannedRow], *, now: float, filtered: Sequence[FilteredDay] = ()
    ) -> int:
        """Insert the rows not planned yet (a planned one stays as it is); how many were new.

        ``filtered`` is recorded in the same transaction, so a day is planned whole or not at
        all, even one where the filters left everything out.
        """
        ...

    async def head(self, platform: str, channel: str) -> OutboxRow | None:
        """The channel's earliest ``pending`` or ``sending`` row, in digest order."""
        ...

    async def of_day(self, platform: str, channel: str, digest_date: dt.date) -> list[OutboxRow]:
        """Every row planned for one channel and digest, in position order."""
        ...

    async def listings(self, platform: str, channel: str, since: dt.date) -> list[OutboxRow]:
        """The first page of every listing planned for the channel (in any state) whose digest
        is dated ``since`` or later, oldest first."""
        ...

    async def filtered(
        self, platform: str, channel: str, digest_date: dt.date
    ) -> FilteredDay | None:
        """What the channel's filters left out of one digest, or None (nothing was)."""
        ...

    async def sent_message(
        self, platform: str, channel: str, digest_date: str, paper: str
    ) -> str | None:
        """The message id of a row that was sent, if it was."""
        ...

    async def newest_date(self, platform: str, channel: str) -> dt.date | None:
        """The newest digest date planned for the channel, in any state (or left out whole)."""
        ...

    async def claim(self, row_id: int, *, now: float) -> bool:
        """``pending → sending``, counting an attempt; False if the row was not pending."""
        ...

    async def mark_sent(self, row_id: int, posted: Posted, *, now: float) -> None:
        """``sent``, with the platform's ids; clears the last error."""
        ...

    async def retry_later(
        self, row_id: int, reason: str, *, not_before: float, counts: bool
    ) -> None:
        """Back to ``pending`` until ``not_before``; ``counts=False`` takes the attempt back."""
        ...

    async def defer(self, row_id: int, reason: str, *, not_before: float) -> None:
        """Keep the row's state; look at it again at ``not_before``."""
        ...

    async def mark_failed(self, row_id: int, reason: str) -> None:
        """``failed``, with the reason."""
        ...

    async def forget(self, platform: str, channel: str, digest_date: dt.date) -> int:
        """Delete a channel's rows of one digest, except ``sending`` ones; how many went.

        What its filters left out is forgotten too: planned again, the day is judged anew.
        """
        ...

    async def heads(self) -> list[OutboxRow]:
        """Each unpaused channel's :meth:`head`, in one read, sorted by platform and channel."""
        ...

    async def channels(self) -> list[tuple[str, str]]:
        """Every ``(platform, channel)`` with a row or a pause, sorted."""
        ...

    async def pause(self, platform: str, channel: str, reason: str, *, now: float) -> None:
        """Pause a channel, or change the reason it is paused for."""
        ...

    async def pause_reason(self, platform: str, channel: str) -> str | None:
        """Why the channel is paused, or None."""
        ...

    async def requeue(self, platform: str | None, channel: str | None) -> list[Requeued]:
        """In one transaction: failed rows back to pending, pauses lifted (None: any).

        One entry per channel that had either, sorted; none when there was nothing to do.
        """
        ...

    async def status(self) -> list[ChannelStatus]:
        """One entry per channel with rows, sorted."""
        ...


class LeaseRepository(Protocol):
    """Named leases with an owner and an expiry time."""

    async def take(self, names: Sequence[str], owner: str, *, now: float, until: float) -> bool:
        """Take every name for ``owner`` until ``until``, or none of them and return False.

        A name can be taken when it is free, expired at ``now``, or ``owner``'s already.
        """
        ...

    async def live(self, *, now: float) -> list[HeldLease]:
        """Every lease unexpired at ``now``, by name."""
        ...

    async def extend(self, names: Sequence[str], owner: str, *, until: float) -> bool:
        """Move the expiry of ``owner``'s ``names`` to ``until``; False unless it held all."""
        ...

    async def expire(self, owner: str) -> None:
        """End every lease ``owner`` holds, as if it had expired (it keeps its rows)."""
        ...

    async def release(self, owner: str) -> None:
        """Delete every lease ``owner`` holds."""
        ...


class DeliveryStore(Protocol):
    """A database that can keep the outbox and the delivery leases."""

    @property
    def outbox(self) -> OutboxRepository:
        """The outbox rows and paused channels."""
        ...

    @property
    def leases(self) -> LeaseRepository:
        """The leases."""
        ...
