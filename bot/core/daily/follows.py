"""Once a day, each follower's direct message: the newest digest's papers that match them.

A follow is matched like a channel's ``include`` (topic terms) plus its ``authors`` (Hugging
Face's author lists), over the same :class:`~bot.core.routing.selection.Corpus` the channels
are planned from. Each member gets at most one DM per digest (``follow_days``) and each paper
once whatever day it comes back (``follow_sent``); both are written in the outbox rows'
transaction, so a crash plans all of a member's DM or none of it, and the DM is delivered by
the worker with the cards' guarantees (exactly once, in order, reconciled after a crash).

A member whose DMs failed (closed DMs, left the server) has that DM channel paused by the
worker; nothing is planned for them until ``/follow resume``, and the next command they use
tells them why (:meth:`~bot.core.voice.desk.VoiceDesk.notice`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from typing import Final, Protocol

from bot.core.archive.records import PaperEntry
from bot.core.clock import Clock
from bot.core.daily.planner import Planner
from bot.core.delivery.outbox import LISTING
from bot.core.delivery.repositories import DeliveryStore, PlannedRow
from bot.core.routing.terms import parse_terms
from bot.core.voice.members import Member, dm_channel
from bot.core.voice.repositories import VoiceStore

__all__ = ["FRESH_DAYS", "FollowPlanner", "FollowStore"]

_log = logging.getLogger(__name__)

#: A digest older than this (in days before today, UTC) is not news: a follow made today does
#: not get a DM about last month's papers because the archive's newest digest is that old.
FRESH_DAYS: Final = 2


class FollowStore(VoiceStore, DeliveryStore, Protocol):
    """Follows, the DMs planned for them, and the outbox's paused channels."""


class FollowPlanner:
    """Plans the day's follow DMs into the outbox.

    Args:
        store: The database.
        planner: Reads the digest's papers and lays out listing pages (the platform's fits).
        clock: For "today" and timestamps.
        platforms: The platforms DMs can be delivered to now (``serve``'s posters).
    """

    def __init__(
        self,
        store: FollowStore,
        planner: Planner,
        clock: Clock,
        platforms: Collection[str],
    ) -> None:
        self._store = store
        self._planner = planner
        self._clock = clock
        self._platforms = platforms

    async def plan(self, day: dt.date | None) -> int:
        """Plan the DMs of digest ``day`` (the archive's newest); how many members get one."""
        today = dt.datetime.fromtimestamp(self._clock.now(), dt.UTC).date()
        if day is None or (today - day).days > FRESH_DAYS:
            return 0
        planned = 0
        for platform in sorted(self._platforms):
            planned += await self._plan_platform(platform, day)
        return planned

    async def _plan_platform(self, platform: str, day: dt.date) -> int:
        follows = self._store.follows
        waiting = await follows.all(platform)
        if not waiting:
            return 0
        done = await follows.planned_days(platform, day)
        outbox = self._store.outbox
        corpus = await self._planner.corpus(day, day)
        rows: list[PlannedRow] = []
        days: list[tuple[Member, dt.date, Sequence[str]]] = []
        for follow in waiting:
            member = follow.member
            if member in done:
                continue
            if await outbox.pause_reason(platform, dm_channel(member.user)) is not None:
                continue  # DMs failed: nothing piles up until /follow resume
            hits = corpus.any_hit(parse_terms(follow.terms)) | corpus.any_hit(
                parse_terms(follow.authors), authors=True
            )
            matched = [corpus.entries[i] for i in sorted(hits)]
            sent = await follows.sent_papers(member, [e.paper.arxiv_id for e in matched])
            new = [entry for entry in matched if entry.paper.arxiv_id not in sent]
            days.append((member, day, [e.paper.arxiv_id for e in new]))
            if new:
                rows.extend(self._rows(platform, member, day, new))
        if days:
            await follows.plan(rows, days, now=self._clock.now())
        members = len({m for m, _, papers in days if papers})
        if members:
            _log.info("%s: follow DMs of the %s digest planned for %d members", platform, day,
                      members)  # fmt: skip
        return members

    def _rows(
        self, platform: str, member: Member, day: dt.date, entries: Sequence[PaperEntry]
    ) -> list[PlannedRow]:
        channel = dm_channel(member.user)
        pages = self._planner.pages(platform, entries, "follow", day, day, 0)
        return [
            PlannedRow(platform, channel, day.isoformat(), f"{LISTING}{page.page}", page.page, "",
                       False, page.model_dump_json())
            for page in pages
        ]  # fmt: skip
