"""A real :class:`~bot.core.delivery.poster.Poster` that keeps its messages in memory.

For core tests of the delivery worker and of reconciliation: no HTTP, no platform, but the
whole contract. It is injected like any poster (never patched in), stores what it is sent,
finds it again by key, and checks after a lost answer through the same
:func:`~bot.core.delivery.reconcile.find_recent` the Slack and Discord posters call.

Scripting what the "platform" does next::

    poster.script(RateLimited("slow down", 30), None)   # the next two sends: a 429, then fine
    poster.script(ChannelUnavailable("gone"), channel="C2")   # only C2's next send
    poster.lose_next()            # the next send is stored, but its answer never arrives
    poster.history_error = TransientError("history: 503")   # every find_* raises it
    poster.gate = asyncio.Event()  # sends wait until it is set (``held`` is set meanwhile)
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.cards.card import Card, DigestHeaderCard
from bot.core.cards.counts import Counts
from bot.core.cards.listing import DigestListing, Fits, ListingItem
from bot.core.clock import Clock
from bot.core.delivery.poster import DeliveryError, Posted, PostKey, TransientError
from bot.core.delivery.reconcile import find_recent

__all__ = ["Attempt", "MemoryPoster", "Stored"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One send as the poster was asked for it."""

    channel: str
    paper: str
    thread: str | None
    now: float


@dataclass(frozen=True, slots=True)
class Stored:
    """One message the "platform" keeps: where (a channel, or a header's thread), and when."""

    message_id: str
    where: str
    key: PostKey
    at: float
    item: Card | DigestHeaderCard | DigestListing


class MemoryPoster:
    """Posts into lists; message ids ``m1``, ``m2``…; a header's thread has the header's id.

    Args:
        clock: The time each message is stored at (what ``since`` is compared with).
        threads: Whether headers open a thread, as Slack and Discord do when configured.
    """

    platform = "memory"
    edit_interval = 0.0

    def __init__(self, clock: Clock, *, threads: bool = False) -> None:
        self._clock = clock
        self._threads = threads
        self._ids = itertools.count(1)
        self._any: deque[BaseException | None] = deque()
        self._per_channel: dict[str, deque[BaseException | None]] = {}
        self._lose = 0
        self.stored: list[Stored] = []
        self.attempts: list[Attempt] = []
        self.lookups: list[tuple[str, str, str, float | None, int | None]] = []
        self.history_error: DeliveryError | None = None
        self.gate: asyncio.Event | None = None
        self.held = asyncio.Event()
        self.edits: list[tuple[str, str, Counts]] = []
        self._edit_outcomes: deque[BaseException | None] = deque()

    @property
    def threads(self) -> bool:
        """Whether a header's id is returned as the thread for the day's cards."""
        return self._threads

    def script(self, *outcomes: BaseException | None, channel: str | None = None) -> None:
        """Queue what the next sends do: ``None`` succeeds, an exception is raised instead.

        Args:
            channel: Only sends to this channel take from this queue (before the shared one).
        """
        queue = self._any if channel is None else self._per_channel.setdefault(channel, deque())
        queue.extend(outcomes)

    def lose_next(self) -> None:
        """The next send is stored, then fails as a dropped connection would."""
        self._lose += 1

    def messages(self, where: str) -> list[str]:
        """Papers (or ``header``) stored in a channel or thread, oldest first."""
        return [m.key.paper for m in self.stored if m.where == where]

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Store the header; with threads, its id is also the day's thread."""
        message_id = await self._post(channel, header, key, None)
        return Posted(message_id, message_id if self._threads else None)

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Store the card in ``channel``, or in ``thread`` when given."""
        return Posted(await self._post(channel, card, key, thread), thread)

    async def post_listing(self, channel: str, listing: DigestListing, *, key: PostKey) -> Posted:
        """Store one page of a listing."""
        return Posted(await self._post(channel, listing, key, None))

    async def edit_counts(self, channel: str, message_id: str, card: Card) -> None:
        """Record the counts a card now shows (``edits``), or raise what was scripted."""
        outcome = self._edit_outcomes.popleft() if self._edit_outcomes else None
        if outcome is not None:
            raise outcome
        self.edits.append((channel, message_id, card.counts))

    def script_edits(self, *outcomes: BaseException | None) -> None:
        """Queue what the next count edits do: ``None`` succeeds, an exception is raised."""
        self._edit_outcomes.extend(outcomes)

    #: Lines per listing page: small, so core tests see listings of several pages.
    listing_page_size = 20

    def listing_fits(self) -> Fits:
        """A page holds ``listing_page_size`` lines."""

        def fits(items: Sequence[ListingItem]) -> bool:
            return len(items) <= self.listing_page_size

        return fits

    async def find_message(
        self, where: str, key: PostKey, *, since: float | None, limit: int | None = None
    ) -> str | None:
        """Newest first, at most ``limit`` messages of ``where`` stored at ``since`` or later."""
        self.lookups.append(("message", where, key.paper, since, limit))
        return self._find(where, key, since, limit)

    async def find_reply(
        self,
        channel: str,
        thread: str,
        key: PostKey,
        *,
        since: float | None,
        limit: int | None = None,
    ) -> str | None:
        """As :meth:`find_message`, in the thread under the header ``thread``."""
        self.lookups.append(("reply", thread, key.paper, since, limit))
        return self._find(thread, key, since, limit)

    def _find(self, where: str, key: PostKey, since: float | None, limit: int | None) -> str | None:
        if self.history_error is not None:
            raise self.history_error
        newest = [m for m in reversed(self.stored) if m.where == where][:limit]
        return next(
            (m.message_id for m in newest if m.key == key and (since is None or m.at >= since)),
            None,
        )

    async def _post(
        self,
        channel: str,
        item: Card | DigestHeaderCard | DigestListing,
        key: PostKey,
        thread: str | None,
    ) -> str:
        self.attempts.append(Attempt(channel, key.paper, thread, self._clock.now()))
        if self.gate is not None:
            self.held.set()
            await self.gate.wait()
        queue = self._per_channel.get(channel)
        outcome = (queue or self._any).popleft() if (queue or self._any) else None
        if outcome is not None:
            raise outcome
        message_id = f"m{next(self._ids)}"
        self.stored.append(Stored(message_id, thread or channel, key, self._clock.now(), item))
        if self._lose:
            self._lose -= 1
            found = await find_recent(self, channel, key, thread)
            if found is None:
                raise TransientError(f"posting {key.paper} to {channel}: connection lost")
            return found
        return message_id
