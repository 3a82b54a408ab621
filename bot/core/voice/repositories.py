"""What the group's voice asks of the database, as Protocols (SQLite in ``sqlite/voice.py``).

Every row is keyed by platform, workspace, channel and user; user ids are stored because a
second press must undo the first, but no repository logs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from bot.core.cards.counts import Counts
from bot.core.delivery.repositories import PlannedRow
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import CountEdit, Follow, Kind, Press, Pressed, ReadingItem, SavedPaper

__all__ = ["FollowRepository", "ReactionRepository", "VoiceStore"]


class ReactionRepository(Protocol):
    """Likes and saves, and the card messages whose counts must be edited."""

    async def press(self, press: Press, *, now: float, window: float) -> Pressed:
        """Toggle the person's like/save, and (for a posted card) make its edit due.

        One transaction: the toggle, the new counts and the edit row. The edit is due now if
        the message was not edited within ``window`` seconds, else ``window`` after that edit
        (an edit already waiting keeps its time: fifty presses make one more edit, not fifty).
        A paper the archive does not hold stores nothing (``Pressed.known`` is False).
        """
        ...

    async def counts(
        self, platform: str, channel: str, arxiv_ids: Sequence[str]
    ) -> dict[str, Counts]:
        """The channel's counts for these papers (papers nobody pressed are absent)."""
        ...

    async def due_edits(self, now: float, *, limit: int) -> list[CountEdit]:
        """Card messages whose counts are due to be edited, the longest waiting first."""
        ...

    async def next_edit_at(self) -> float | None:
        """When the next edit falls due, ``None`` when none waits."""
        ...

    async def edited(self, edit: CountEdit, *, now: float, window: float) -> None:
        """The edit was made: done, unless presses came meanwhile (then due after ``window``)."""
        ...

    async def postpone(self, edit: CountEdit, *, until: float) -> None:
        """Try this edit again at ``until`` (rate limited, or the platform failed)."""
        ...

    async def drop_edit(self, edit: CountEdit) -> None:
        """Forget this edit (the message is gone, or the platform refuses it for good)."""
        ...

    async def saved(
        self, member: Member, *, offset: int, limit: int
    ) -> tuple[list[SavedPaper], int]:
        """The member's saved papers in their workspace, newest first, and how many in all."""
        ...

    async def unsave(self, member: Member, arxiv_id: str, *, now: float, window: float) -> int:
        """Remove the member's saves of a paper (in every channel); how many were removed."""
        ...

    async def forget(self, member: Member, *, now: float, window: float) -> int:
        """Delete the member's likes, saves and follows, and their follow DMs (sent or
        waiting: the outbox names them); how many likes, saves and follow rows were deleted."""
        ...

    async def reading_list(
        self, channel: ChannelRef, *, offset: int, limit: int
    ) -> tuple[list[ReadingItem], int]:
        """The channel's liked or saved papers, newest reaction first, and how many in all."""
        ...

    async def hide(self, channel: ChannelRef, arxiv_id: str, *, now: float) -> bool:
        """Take a paper off the channel's reading list (its reactions stay the members')."""
        ...

    async def exported(
        self, platform: str, channel: str, user: str | None, kind: Kind | None
    ) -> list[SavedPaper]:
        """A channel's reading list (what members liked or saved, less what an admin hid), or
        with ``user`` that member's papers only, newest first."""
        ...


class FollowRepository(Protocol):
    """Members' follows and the direct messages planned for them."""

    async def get(self, member: Member) -> Follow | None:
        """The member's follow, ``None`` if they follow nothing."""
        ...

    async def put(self, follow: Follow) -> None:
        """Insert or replace the member's follow."""
        ...

    async def remove(self, member: Member) -> bool:
        """Stop the member's follow; whether there was one."""
        ...

    async def all(self, platform: str) -> list[Follow]:
        """Every follow on a platform."""
        ...

    async def told(self, member: Member, reason: str | None) -> None:
        """Remember which DM failure the member was told about (``None``: none pending)."""
        ...

    async def planned_days(self, platform: str, day: dt.date) -> set[Member]:
        """Members whose follow DM for ``day`` is planned already."""
        ...

    async def sent_papers(self, member: Member, arxiv_ids: Sequence[str]) -> set[str]:
        """Those of ``arxiv_ids`` a DM has already listed for the member."""
        ...

    async def plan(
        self,
        rows: Sequence[PlannedRow],
        days: Sequence[tuple[Member, dt.date, Sequence[str]]],
        *,
        now: float,
    ) -> None:
        """One transaction: outbox rows of the DMs, each member's day and its papers as sent."""
        ...


class VoiceStore(Protocol):
    """A store that keeps the group's voice."""

    @property
    def reactions(self) -> ReactionRepository:
        """Likes, saves, reading lists, count edits."""
        ...

    @property
    def follows(self) -> FollowRepository:
        """Follows and their DMs."""
        ...
