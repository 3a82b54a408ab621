"""What the 👍/🔖 buttons, ``/saved``, ``/reading-list``, ``/follow`` and ``/unfollow`` do and say.

Written once for every platform, like :mod:`bot.core.answers.subscription_answers`: adapters
say who asked (a :class:`~bot.core.voice.members.Member`), where, and whether they are an admin
of the channel; replies are plain text both Slack's mrkdwn and Discord's Markdown show as
meant, with titles and terms passed through the platform's ``literal``.

Privacy: a member's saved papers are answered to that member only (adapters reply
ephemerally); a reading list shows counts, never names; nothing here logs a user id.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from bot.core.clock import Clock
from bot.core.delivery.repositories import DeliveryStore
from bot.core.enrichment.repositories import EnrichmentStore
from bot.core.routing.terms import FilterError, parse_terms
from bot.core.voice.bibtex import BibEntry, bibtex
from bot.core.voice.editor import EDIT_WINDOW, CountEditor
from bot.core.voice.follow_terms import FollowTerms, parse_follow
from bot.core.voice.members import ChannelRef, Member, dm_channel
from bot.core.voice.records import Follow, Press, Pressed, ReadingItem, SavedPaper
from bot.core.voice.repositories import VoiceStore

#: Escapes untrusted text (titles, terms) for the platform, so it shows as typed, pings no one.
Escape = Callable[[str], str]

__all__ = [
    "FOLLOW_HELP",
    "PAGE_SIZE",
    "BibFile",
    "PressAnswer",
    "ReadingPage",
    "SavedPage",
    "VoiceDesk",
    "VoiceDeskStore",
]

#: Papers per page of ``/saved`` and ``/reading-list``: one "Open…" menu holds them all.
PAGE_SIZE: Final = 10
#: "Every saved paper" for an export: far beyond what anyone saves.
_ALL: Final = 1_000_000
#: What ``/follow help`` says.
FOLLOW_HELP: Final = (
    "`/follow TERMS`: once a day, a direct message with that day's new papers that mention "
    'one of your terms or are by one of your authors, e.g. `/follow "강화 학습" RL '
    'authors:"Yann LeCun"`. Terms are literal text (whole words; Korean as substrings), at '
    "most 20. `/follow` lists yours, `/follow resume` restarts direct messages after they "
    "failed, `/unfollow TERMS` (or `/unfollow all`) stops."
)


class VoiceDeskStore(VoiceStore, DeliveryStore, EnrichmentStore, Protocol):
    """What the desk reads and writes: reactions and follows, DM pauses, titles, authors."""


@dataclass(frozen=True, slots=True)
class PressAnswer:
    """A press's outcome and the private line that confirms it to the presser."""

    pressed: Pressed
    text: str


@dataclass(frozen=True, slots=True)
class SavedPage:
    """One page of a member's saved papers, newest first."""

    items: tuple[SavedPaper, ...]
    page: int  # 1-based
    pages: int
    total: int

    def text(self, literal: Escape = str) -> str:
        """The page as numbered lines, or what to do when nothing is saved."""
        if not self.total:
            return "You have no saved papers. Press 🔖 Save on a card to keep it here."
        head = f"*Your saved papers* ({self.total})" + _page_label(self.page, self.pages)
        start = (self.page - 1) * PAGE_SIZE
        lines = [
            f"{start + n}. {_title_line(item.title, item.arxiv_id, item.digest_date, literal)}"
            for n, item in enumerate(self.items, start=1)
        ]
        return "\n".join([head, *lines, "`/saved export`: a BibTeX file · `/saved clear`: "
                          "delete your likes, saves and follows"])  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReadingPage:
    """One page of a channel's reading list: counts, never names."""

    items: tuple[ReadingItem, ...]
    page: int
    pages: int
    total: int

    def text(self, literal: Escape = str) -> str:
        """The page as numbered lines with 👍/🔖 counts."""
        if not self.total:
            return (
                "This channel's reading list is empty: papers members like (👍) or save (🔖) "
                "here show up in it."
            )
        head = f"*This channel's reading list* ({self.total})" + _page_label(self.page, self.pages)
        start = (self.page - 1) * PAGE_SIZE
        lines = []
        for n, item in enumerate(self.items, start=start + 1):
            counts = " ".join(
                part
                for part in (
                    f"👍 {item.counts.likes}" if item.counts.likes else "",
                    f"🔖 {item.counts.saves}" if item.counts.saves else "",
                )
                if part
            )
            line = _title_line(item.title, item.arxiv_id, item.digest_date, literal)
            lines.append(f"{n}. {line} · {counts}")
        return "\n".join([head, *lines])


@dataclass(frozen=True, slots=True)
class BibFile:
    """A BibTeX file to send as an upload or attachment."""

    filename: str
    content: bytes
    papers: int


class VoiceDesk:
    """Answers the group's-voice buttons and commands, on every platform.

    Args:
        store: The database.
        clock: For timestamps.
        editor: Poked after a press, so the card's counts are edited without waiting.
    """

    def __init__(
        self, store: VoiceDeskStore, clock: Clock, *, editor: CountEditor | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._editor = editor

    @property
    def _window(self) -> float:
        return self._editor.window if self._editor is not None else EDIT_WINDOW

    async def press(self, press: Press) -> PressAnswer:
        """Toggle the presser's 👍 or 🔖 and say what it now is."""
        pressed = await self._store.reactions.press(
            press, now=self._clock.now(), window=self._window
        )
        if not pressed.known:
            text = (
                f"Sorry, arXiv {press.arxiv_id} is not in my archive any more, "
                "so I cannot count that press."
            )
            return PressAnswer(pressed, text)
        if press.message is not None and self._editor is not None:
            self._editor.poke()
        if press.kind == "save":
            text = (
                "🔖 Saved. `/saved` lists your saved papers; press again to remove it."
                if pressed.on
                else "Removed from your saved papers."
            )
        else:
            text = "👍 Liked; press again to undo." if pressed.on else "👍 removed."
        return PressAnswer(pressed, text)

    async def saved(self, member: Member, page: int = 1) -> SavedPage:
        """A page of the member's saved papers (the last page when ``page`` is past it)."""
        items, page, pages, total = await _paged(
            lambda offset: self._store.reactions.saved(member, offset=offset, limit=PAGE_SIZE),
            page,
        )
        return SavedPage(tuple(items), page, pages, total)

    async def unsave(self, member: Member, arxiv_id: str) -> str:
        """Remove one paper from the member's saved papers."""
        removed = await self._store.reactions.unsave(
            member, arxiv_id, now=self._clock.now(), window=self._window
        )
        self._poke()
        if not removed:
            return f"arXiv {arxiv_id} is not among your saved papers."
        return f"Removed arXiv {arxiv_id} from your saved papers."

    async def clear(self, member: Member) -> str:
        """Delete everything the member has given: likes, saves and follows."""
        deleted = await self._store.reactions.forget(
            member, now=self._clock.now(), window=self._window
        )
        self._poke()
        if not deleted:
            return "You have no likes, saves or follows here: nothing to delete."
        return f"Deleted your likes, saves and follows here ({deleted} in all)."

    async def export(self, member: Member) -> BibFile | str:
        """The member's saved papers as a BibTeX file, or why there is none."""
        items, total = await self._store.reactions.saved(member, offset=0, limit=_ALL)
        if not total:
            return "You have no saved papers to export. Press 🔖 Save on a card first."
        today = dt.datetime.fromtimestamp(self._clock.now(), dt.UTC).date()
        content = await self.bibtex(items)
        return BibFile(f"paperbot-saved-{today}.bib", content.encode(), total)

    async def bibtex(self, papers: Sequence[SavedPaper]) -> str:
        """BibTeX of ``papers``: Hugging Face's English title and authors where known."""
        metas = await self._store.metadata.of_papers([p.arxiv_id for p in papers])
        entries = []
        for paper in papers:
            meta = metas.get(paper.arxiv_id)
            title = (meta.title if meta else None) or paper.title or f"arXiv {paper.arxiv_id}"
            authors = meta.authors if meta else ()
            entries.append(BibEntry(paper.arxiv_id, title, authors))
        return bibtex(entries)

    async def reading_list(self, channel: ChannelRef, page: int = 1) -> ReadingPage:
        """A page of the channel's liked or saved papers, newest first."""
        items, page, pages, total = await _paged(
            lambda offset: self._store.reactions.reading_list(
                channel, offset=offset, limit=PAGE_SIZE
            ),
            page,
        )
        return ReadingPage(tuple(items), page, pages, total)

    async def remove_from_reading_list(
        self, channel: ChannelRef, arxiv_id: str, *, admin: bool
    ) -> str:
        """Take a paper off the channel's list (admins only; members' saves stay theirs)."""
        if not admin:
            return (
                "Only a channel admin can remove papers from the reading list "
                "(Manage Channels on Discord; a workspace admin on Slack)."
            )
        if await self._store.reactions.hide(channel, arxiv_id, now=self._clock.now()):
            return f"Removed arXiv {arxiv_id} from this channel's reading list."
        return f"arXiv {arxiv_id} was already off this channel's reading list."

    async def follow(self, member: Member, text: str, literal: Escape = str) -> str:
        """``/follow``: list, ``resume``, ``help``, or add terms and authors."""
        words = text.strip()
        if words.lower() == "help":
            return FOLLOW_HELP
        current = await self._store.follows.get(member)
        if words.lower() == "resume":
            return await self._resume(member, current)
        if not words:
            return await self._listed(member, current, literal)
        try:
            asked = parse_follow(words)
            had = _terms(current)
            now = had.merged(asked)
        except FilterError as error:
            return f"Nothing changed: {error}. {FOLLOW_HELP}"
        await self._store.follows.put(
            Follow(
                member,
                tuple(t.text for t in now.terms),
                tuple(t.text for t in now.authors),
                current.created_at if current else self._clock.now(),
                current.told_pause if current else None,
            )
        )
        return (
            f"Following {_shown(now, literal)}. Once a day I will send you a direct message "
            "with the day's new papers that match."
        )

    async def unfollow(self, member: Member, text: str, literal: Escape = str) -> str:
        """``/unfollow TERMS`` or ``/unfollow all``."""
        current = await self._store.follows.get(member)
        if current is None:
            return "You follow nothing. " + FOLLOW_HELP
        words = text.strip()
        if not words or words.lower() == "all":
            await self._store.follows.remove(member)
            return "You follow nothing now: no more direct messages."
        try:
            left = _terms(current).without(parse_follow(words))
        except FilterError as error:
            return f"Nothing changed: {error}."
        if not left:
            await self._store.follows.remove(member)
            return "You follow nothing now: no more direct messages."
        await self._store.follows.put(
            Follow(
                member,
                tuple(t.text for t in left.terms),
                tuple(t.text for t in left.authors),
                current.created_at,
                current.told_pause,
            )
        )
        return f"Still following {_shown(left, literal)}."

    async def notice(self, member: Member) -> str | None:
        """Once per failure: that the member's follow DMs are paused, and how to resume."""
        follow = await self._store.follows.get(member)
        if follow is None:
            return None
        reason = await self._store.outbox.pause_reason(member.platform, dm_channel(member.user))
        if reason is None or follow.told_pause == reason:
            return None
        await self._store.follows.told(member, reason)
        return (
            "⚠️ Your /follow direct messages are paused: I could not send you one. "
            "Allow direct messages from this app, then run `/follow resume`."
        )

    async def _resume(self, member: Member, current: Follow | None) -> str:
        if current is None:
            return "You follow nothing. " + FOLLOW_HELP
        resumed = await self._store.outbox.requeue(member.platform, dm_channel(member.user))
        await self._store.follows.told(member, None)
        if not resumed:
            return "Your follow direct messages were not paused."
        return "Direct messages resumed: what could not be sent goes out now."

    async def _listed(self, member: Member, current: Follow | None, literal: Escape) -> str:
        if current is None:
            return "You follow nothing yet. " + FOLLOW_HELP
        paused = await self._store.outbox.pause_reason(member.platform, dm_channel(member.user))
        line = f"You follow {_shown(_terms(current), literal)}."
        if paused is not None:
            line += " Direct messages are paused (I could not message you): `/follow resume`."
        return line

    def _poke(self) -> None:
        if self._editor is not None:
            self._editor.poke()


_Item = TypeVar("_Item")


async def _paged(
    fetch: Callable[[int], Awaitable[tuple[list[_Item], int]]], page: int
) -> tuple[list[_Item], int, int, int]:
    """Page ``page`` of what ``fetch(offset)`` reads: items, page, pages, total (a page past
    the end, as after removals, is the last one)."""
    page = max(1, page)
    items, total = await fetch((page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        page = pages
        items, total = await fetch((page - 1) * PAGE_SIZE)
    return items, page, pages, total


def _terms(follow: Follow | None) -> FollowTerms:
    if follow is None:
        return FollowTerms()
    return FollowTerms(parse_terms(follow.terms), parse_terms(follow.authors))


def _shown(terms: FollowTerms, literal: Escape) -> str:
    return ", ".join(literal(part) for part in terms.shown())


def _page_label(page: int, pages: int) -> str:
    return f" · page {page}/{pages}" if pages > 1 else ""


def _title_line(title: str | None, arxiv_id: str, day: dt.date | None, literal: Escape) -> str:
    shown = literal(title) if title else f"arXiv {arxiv_id}"
    when = f" · {day}" if day else ""
    return f"{shown} (`{arxiv_id}`{when})"
