"""Counts on posted cards, edited at most once per message per window.

Fifty people pressing 👍 on one card within a second must not make fifty edits (Discord allows
five per channel per five seconds): a press only marks the message due
(:meth:`~bot.core.voice.repositories.ReactionRepository.press`), and this editor makes the
edits that are due, one per message however many presses it carries: the first press of a
quiet card is shown at once, the rest of a burst by one more edit a window later. The rows
are in the database, so an edit owed when the process stopped is made after the restart.

The editor re-renders the card as it was posted (the outbox row says which sections) with the
channel's counts read at edit time, so an edit always shows the newest numbers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Final, Protocol

from bot.core.archive.repositories import ArchiveRepository
from bot.core.cards.card import Card, card_from_paper
from bot.core.cards.counts import NO_COUNTS
from bot.core.clock import Clock, sleep_unless
from bot.core.delivery.poster import (
    ChannelUnavailable,
    DeliveryError,
    MessageRejected,
    Poster,
    RateLimited,
)
from bot.core.delivery.repositories import DeliveryStore
from bot.core.errors import StorageError
from bot.core.voice.records import CountEdit
from bot.core.voice.repositories import VoiceStore
from digest_parser import SectionKey

__all__ = ["EDIT_WINDOW", "CountEditor", "EditorStore"]

_log = logging.getLogger(__name__)

#: Seconds between two edits of one message: a burst of presses shows as one more edit.
EDIT_WINDOW: Final = 3.0
#: Seconds before an edit that failed for a passing reason is tried again.
_RETRY_AFTER: Final = 10.0
#: Edits fetched per round.
_BATCH: Final = 50
#: Longest sleep without looking at the table (another process may have pressed meanwhile).
_IDLE_CHECK: Final = 30.0


class EditorStore(VoiceStore, DeliveryStore, ArchiveRepository, Protocol):
    """What the editor reads: the edits due, the outbox (sections posted), the archive."""


class CountEditor:
    """Makes due count edits through one :class:`Poster` per platform; run it as a task."""

    def __init__(
        self,
        store: EditorStore,
        posters: Mapping[str, Poster],
        clock: Clock,
        *,
        window: float = EDIT_WINDOW,
    ) -> None:
        self._store = store
        self._posters = posters  # ``serve`` adds each platform's poster as it starts
        self._clock = clock
        self.window = window
        self._poked = asyncio.Event()
        self._stopping = asyncio.Event()
        self._last: dict[str, float] = {}  # platform → when its last edit was made

    def poke(self) -> None:
        """A press made an edit due: look now instead of at the next planned time."""
        self._poked.set()

    def stop(self) -> None:
        """Finish the edit in flight, then return from :meth:`run`."""
        self._stopping.set()
        self._poked.set()

    async def run(self) -> None:
        """Edit what is due, sleep until the next is, until :meth:`stop`."""
        while not self._stopping.is_set():
            self._poked.clear()
            try:
                await self.edit_due()
                due = await self._store.reactions.next_edit_at()
            except StorageError:
                _log.warning("count edits: the database failed; trying again", exc_info=True)
                due = self._clock.now() + _RETRY_AFTER
            wait = _IDLE_CHECK if due is None else max(0.0, due - self._clock.now())
            await sleep_unless(self._clock, min(wait, _IDLE_CHECK), self._poked)

    async def edit_due(self) -> int:
        """Make every edit due now; how many were made."""
        made = 0
        while not self._stopping.is_set():
            due = await self._store.reactions.due_edits(self._clock.now(), limit=_BATCH)
            if not due:
                break
            for edit in due:
                made += await self._edit(edit)
        return made

    async def _edit(self, edit: CountEdit) -> int:
        reactions = self._store.reactions
        where = edit.channel
        poster = self._posters.get(where.platform)
        card = await self._card(edit)
        if poster is None or card is None:  # a platform not served here, or a paper gone
            await reactions.drop_edit(edit)
            return 0
        wait = self._last.get(where.platform, -math.inf) + poster.edit_interval - self._clock.now()
        if wait > 0:  # the platform's pace for edits: no 429 for a crowd pressing many cards
            await self._clock.sleep(wait)
        self._last[where.platform] = self._clock.now()
        try:
            await poster.edit_counts(where.channel, edit.message, card)
        except RateLimited as error:
            await reactions.postpone(edit, until=self._clock.now() + error.retry_after)
            return 0
        except (ChannelUnavailable, MessageRejected) as error:
            _log.info("%s: count edit of %s dropped: %s", where, edit.arxiv_id, error)
            await reactions.drop_edit(edit)
            return 0
        except DeliveryError as error:
            _log.info("%s: count edit of %s postponed: %s", where, edit.arxiv_id, error)
            await reactions.postpone(edit, until=self._clock.now() + _RETRY_AFTER)
            return 0
        await reactions.edited(edit, now=self._clock.now(), window=self.window)
        return 1

    async def _card(self, edit: CountEdit) -> Card | None:
        """The card as it was posted (its sections), with the channel's counts now."""
        entry = await self._store.paper(edit.arxiv_id, edit.digest_date)
        if entry is None:
            return None
        where = edit.channel
        counts = await self._store.reactions.counts(where.platform, where.channel, [edit.arxiv_id])
        card = card_from_paper(
            entry.paper,
            date=entry.date,
            position=entry.position,
            total=entry.total,
            show=await self._sections(edit),
            meta=entry.meta,
        )
        return dataclasses.replace(card, counts=counts.get(edit.arxiv_id, NO_COUNTS))

    async def _sections(self, edit: CountEdit) -> list[SectionKey] | None:
        if edit.digest_date is None:
            return None
        where = edit.channel
        rows = await self._store.outbox.of_day(where.platform, where.channel, edit.digest_date)
        posted = edit.message.rpartition("/")[2]  # a card in a thread: THREAD/MESSAGE
        for row in rows:
            if row.message_id == posted:
                return [SectionKey(k) for k in row.sections.split(",") if k] or None
        return None
