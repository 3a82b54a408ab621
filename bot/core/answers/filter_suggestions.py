"""The newest digest's vocabulary for ``/subscribe`` filter suggestions, read once per digest.

Autocomplete asks at every keystroke and must be answered within Discord's 3 seconds, so the
newest digest's papers are read and counted into a
:class:`~bot.core.routing.suggestions.Vocabulary` once, and kept until a newer digest is
archived: each keystroke then costs one read of the newest date. Hugging Face's metadata
arrives minutes after a digest (``paperbot enrich`` or the serving enricher), so a vocabulary
read while some of its papers had none is read again after :data:`REREAD_UNENRICHED` seconds,
rather than offering title words all day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bot.core.routing.suggestions import Vocabulary, vocabulary_of

if TYPE_CHECKING:
    from bot.core.archive.records import PaperEntry
    from bot.core.archive.repositories import ArchiveRepository
    from bot.core.clock import Clock

__all__ = ["REREAD_UNENRICHED", "DigestVocabulary"]

#: Seconds a vocabulary read before every paper had metadata is kept.
REREAD_UNENRICHED: Final = 300.0
_NOTHING: Final = Vocabulary()


@dataclass(frozen=True, slots=True)
class _Kept:
    date: dt.date
    vocabulary: Vocabulary
    read_at: float
    enriched: bool  # every paper had metadata when read


class DigestVocabulary:
    """The newest digest's :class:`Vocabulary`, kept per digest date.

    Args:
        archive: Where the newest digest and its papers (with metadata) are read.
        clock: When a vocabulary was read, for :data:`REREAD_UNENRICHED`.
    """

    def __init__(self, archive: ArchiveRepository, clock: Clock) -> None:
        self._archive = archive
        self._clock = clock
        self._kept: _Kept | None = None
        self._reading: dict[dt.date, asyncio.Future[_Kept]] = {}

    async def newest(self) -> Vocabulary:
        """The newest digest's vocabulary (empty for an empty archive).

        Callers asking while it is being read wait for that one reading.
        """
        newest = await self._archive.latest_date()
        if newest is None:
            return _NOTHING
        kept = self._kept
        if (
            kept is not None
            and kept.date == newest
            and (kept.enriched or self._clock.now() - kept.read_at < REREAD_UNENRICHED)
        ):
            return kept.vocabulary
        reading = self._reading.get(newest)
        if reading is None:
            reading = self._reading[newest] = asyncio.ensure_future(self._read(newest))
            reading.add_done_callback(lambda done: self._finished(newest, done))
        return (await asyncio.shield(reading)).vocabulary

    def _finished(self, day: dt.date, done: asyncio.Future[_Kept]) -> None:
        """Forget the reading: after a failure, the next keystroke reads again.

        A failure reaches every caller still waiting (discord.py logs an autocomplete's
        error); it is retrieved here too, so one whose callers all gave up (Discord's 3
        seconds) does not end as asyncio's "exception was never retrieved".
        """
        self._reading.pop(day, None)
        if not done.cancelled():
            done.exception()

    async def _read(self, day: dt.date) -> _Kept:
        entries = await self._entries(day)
        kept = _Kept(
            day,
            vocabulary_of(entries),
            self._clock.now(),
            all(entry.meta is not None for entry in entries),
        )
        if self._kept is None or self._kept.date <= day:
            self._kept = kept
        return kept

    async def _entries(self, day: dt.date) -> list[PaperEntry]:
        summary = await self._archive.digest(day)
        if summary is None:
            return []
        found = [await self._archive.paper(item.arxiv_id, day) for item in summary.papers]
        return [entry for entry in found if entry is not None]
