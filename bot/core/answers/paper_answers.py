"""What each chat command answers, decided once for every platform.

Slack hands a command one string; Discord hands typed options. Both end here, so ``/paper``,
``/section``, ``/digest`` and ``/paper-search`` behave and explain themselves identically; the
adapters only render the typed answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.core.archive.lookup import Lookup, NotFound, SearchResults, SectionFound, SectionPage
from bot.core.archive.records import DigestSummary, PaperEntry
from bot.core.archive.refs import parse_ref
from bot.core.cards.card import Card, CardSection, card_from_paper
from digest_parser import SectionKey

__all__ = [
    "COMMANDS",
    "CardAnswer",
    "CommandHelp",
    "SectionAnswer",
    "answer_digest",
    "answer_paper",
    "answer_search",
    "answer_section",
    "card_for",
    "is_help",
    "parse_paper_args",
    "parse_section_args",
]

_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class CommandHelp:
    """Usage of one command, shown for an empty argument, ``help`` or a bad argument."""

    name: str
    usage: str
    summary: str
    examples: tuple[str, ...]

    def text(self) -> str:
        """Plain text usage (adapters add their own formatting)."""
        lines = [f"{self.usage} — {self.summary}", "Examples:"]
        lines.extend(f"  {example}" for example in self.examples)
        return "\n".join(lines)


COMMANDS: Final = {
    "paper": CommandHelp(
        "paper",
        "/paper REF [SECTION] [DATE]",
        "show a paper's summary card, or one section of it",
        ("/paper 2505.19590", "/paper https://arxiv.org/abs/2505.19590 limitations"),
    ),
    "section": CommandHelp(
        "section",
        "/section NAME [REF] [DATE]",
        "one section of a paper, or of every paper in the newest digest",
        ("/section limitations", "/section 한계 2505.19590", "/section results 2025-05-27"),
    ),
    "digest": CommandHelp(
        "digest",
        "/digest [DATE]",
        "the papers of a digest, one line each (the newest by default)",
        ("/digest", "/digest 2025-05-27"),
    ),
    "paper-search": CommandHelp(
        "paper-search",
        "/paper-search QUERY",
        "search titles and summaries (Korean or English)",
        ("/paper-search 강화 학습", "/paper-search diffusion"),
    ),
    "subscribe": CommandHelp(
        "subscribe",
        "/subscribe [TIME] [TIMEZONE] [SECTIONS] [thread] [include:… exclude:… authors:… "
        "min_upvotes:N top:N mode:cards|digest|weekly weekday:DAY empty:note|silent] [preview]",
        "admins: this channel gets each new digest daily (default 08:00 Asia/Seoul), "
        "filtered and in the mode you choose",
        (
            "/subscribe",
            "/subscribe 09:30 Europe/Berlin limitations,results thread",
            '/subscribe include:"강화 학습",RL exclude:survey top:10 mode:digest',
            "/subscribe mode:weekly weekday:fri empty:note",
            "/subscribe preview",
        ),
    ),
    "unsubscribe": CommandHelp(
        "unsubscribe",
        "/unsubscribe",
        "admins: stop this channel's daily digest",
        ("/unsubscribe",),
    ),
    "subscriptions": CommandHelp(
        "subscriptions",
        "/subscriptions",
        "admins: the subscribed channels, their times and next deliveries",
        ("/subscriptions",),
    ),
}


@dataclass(frozen=True, slots=True)
class CardAnswer:
    """A paper's card."""

    card: Card
    entry: PaperEntry


@dataclass(frozen=True, slots=True)
class SectionAnswer:
    """One whole section of one paper."""

    card: Card
    section: CardSection


def card_for(entry: PaperEntry) -> Card:
    """The card for an archived entry."""
    return card_from_paper(
        entry.paper, date=entry.date, position=entry.position, total=entry.total, meta=entry.meta
    )


def is_help(text: str) -> bool:
    """An empty argument or ``help`` asks for usage."""
    return text.strip().casefold() in ("", "help", "-h", "--help", "?", "도움말")


def _take_date(words: list[str]) -> tuple[list[str], str | None]:
    dates = [w for w in words if _DATE.match(w)]
    if not dates:
        return words, None
    return [w for w in words if w != dates[-1]], dates[-1]


def parse_paper_args(text: str) -> tuple[str, str | None, str | None]:
    """``REF [SECTION] [DATE]`` → (ref, section or None, date or None)."""
    words, date = _take_date(text.split())
    if not words:
        return "", None, date
    section = " ".join(words[1:]) or None
    return words[0], section, date


def parse_section_args(text: str) -> tuple[str, str | None, str | None]:
    """``NAME [REF] [DATE]`` → (name, ref or None, date or None).

    Section names may have spaces (``future work``), so the reference is recognised by
    what it is (any token :func:`parse_ref` accepts), wherever it stands.
    """
    words, date = _take_date(text.split())
    refs = [w for w in words if parse_ref(w) is not None and SectionKey.lookup(w) is None]
    ref = refs[-1] if refs else None
    name = " ".join(w for w in words if w != ref)
    return name, ref, date


async def answer_paper(
    lookup: Lookup, ref: str, section: str | None = None, date: str | None = None
) -> CardAnswer | SectionAnswer | NotFound:
    """``/paper``: the card, or with a section name that section whole."""
    if section:
        answer = await answer_section(lookup, section, ref, date)
        if isinstance(answer, SectionPage):  # pragma: no cover - pages only come without a paper
            raise AssertionError("a section page was returned for a single paper")
        return answer
    found = await lookup.paper(ref, date)
    if isinstance(found, NotFound):
        return found
    return CardAnswer(card_for(found), found)


async def answer_section(
    lookup: Lookup, name: str, ref: str | None = None, date: str | None = None, page: int = 1
) -> SectionAnswer | SectionPage | NotFound:
    """``/section``: with a paper that section whole, without it a page across the digest."""
    found = await lookup.section(name, ref, date, page=page)
    if isinstance(found, SectionFound):
        card = card_for(found.entry)
        whole = CardSection(found.section.key, found.section.body)
        return SectionAnswer(card, card.section(found.section.key) or whole)
    return found


async def answer_digest(lookup: Lookup, date: str | None = None) -> DigestSummary | NotFound:
    """``/digest``."""
    return await lookup.digest(date)


async def answer_search(lookup: Lookup, query: str, offset: int = 0) -> SearchResults:
    """``/paper-search``."""
    return await lookup.search(query, limit=10, offset=offset)
