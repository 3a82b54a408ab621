"""What the group's voice is made of: presses, saved papers, reading-list entries, follows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal

from bot.core.cards.counts import Counts
from bot.core.voice.members import ChannelRef, Member

__all__ = [
    "KINDS",
    "CountEdit",
    "Follow",
    "Kind",
    "Press",
    "Pressed",
    "ReadingItem",
    "SavedPaper",
]

Kind = Literal["like", "save"]
KINDS: Final[tuple[Kind, ...]] = ("like", "save")


@dataclass(frozen=True, slots=True)
class Press:
    """One person pressing 👍 or 🔖 on a card in a channel.

    Attributes:
        message: The posted card's message id (Slack ``ts``, Discord id) whose counts must be
            edited; ``None`` for a card only the presser sees (opened from a listing), which
            is answered in place instead.
        digest_date: The card's digest, for the edit's re-render and for titles.
    """

    channel: ChannelRef
    user: str = field(repr=False)  # a user id is never shown (logs, tracebacks)
    arxiv_id: str
    kind: Kind
    message: str | None = None
    digest_date: dt.date | None = None

    @property
    def member(self) -> Member:
        """Who pressed."""
        return Member(self.channel.platform, self.channel.workspace, self.user)


@dataclass(frozen=True, slots=True)
class Pressed:
    """A press's outcome: whether the person's 👍/🔖 is now on, and the channel's counts.

    ``known`` is False for a paper the archive does not hold (a forged or stale button):
    nothing was stored.
    """

    on: bool
    counts: Counts
    known: bool = True


@dataclass(frozen=True, slots=True)
class CountEdit:
    """A card message whose buttons must show new counts (a durable row: survives restarts).

    ``version`` counts presses since the row was made: an edit done for version 3 leaves the
    row due again if a press made it 4 meanwhile.
    """

    channel: ChannelRef
    message: str
    arxiv_id: str
    digest_date: dt.date | None
    version: int


@dataclass(frozen=True, slots=True)
class SavedPaper:
    """A paper someone saved or liked (newest first in lists)."""

    arxiv_id: str
    title: str | None
    digest_date: dt.date | None
    at: float  # when it was saved (epoch seconds)


@dataclass(frozen=True, slots=True)
class ReadingItem:
    """A paper of a channel's reading list: counts, never names."""

    arxiv_id: str
    title: str | None
    digest_date: dt.date | None
    counts: Counts
    at: float  # the newest like or save


@dataclass(frozen=True, slots=True)
class Follow:
    """One member's followed terms and authors (matched like the routing filters' include)."""

    member: Member
    terms: tuple[str, ...]
    authors: tuple[str, ...]
    created_at: float
    told_pause: str | None = None  # the DM failure the member was last told about
