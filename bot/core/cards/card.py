"""Summary cards: what one paper looks like in a channel, before any platform formats it.

A :class:`Card` holds the whole content (Markdown bodies uncut); adapters fit it to their
platform's limits with :mod:`bot.core.cards.fitting` and render it. Keeping the card neutral means
Slack, Discord and the console show the same sections in the same order, and a cut on one
platform never loses text from the archive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from digest_parser import Paper, SectionKey

from .counts import NO_COUNTS, Counts
from .paper_meta import PaperMeta

__all__ = [
    "Card",
    "CardSection",
    "DigestHeaderCard",
    "card_from_paper",
    "section_hint",
    "title_from_preamble",
]

#: Digest name shown on header cards (the generator's own header uses an EN DASH).
DIGEST_NAME = "Hugging Face Daily Papers"

#: Unfenced entries have no title line but name the paper in their first sentence:
#: ``해당 논문은 "FormalMATH: …"으로`` or ``"Think on your Feet: …"라는 제목의 논문``.
#: Single quotes count only before a particle that introduces a title (``'X'로``, ``'X'라는``).
_QUOTED_TITLE = re.compile(
    r"[\"“]([^\"“”\n]{6,300})[\"”]|[‘']([^‘’'\n]{6,300})[’'](?=\s*(?:으로|로|라는|이라는))"
)


def title_from_preamble(preamble: str) -> str | None:
    """The first quoted phrase of an entry's opening sentence, when it names the paper."""
    first_paragraph = preamble.split("\n\n", 1)[0]
    match = _QUOTED_TITLE.search(first_paragraph[:600])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).strip()


@dataclass(frozen=True, slots=True)
class CardSection:
    """One summary section of a card, whole."""

    key: SectionKey
    body: str

    @property
    def heading(self) -> str:
        """The Korean heading the digest template uses."""
        return self.key.korean

    @property
    def label(self) -> str:
        """The short English label."""
        return self.key.english

    @property
    def number(self) -> int:
        """The section's template number, 1-7."""
        return self.key.number


@dataclass(frozen=True, slots=True)
class Card:
    """One paper's summary card.

    Attributes:
        arxiv_id: Bare arXiv id.
        title: The summary's title, or None when the entry has none.
        date: The digest's date.
        position: 1-based position of the paper in its digest.
        total: Number of papers in the digest.
        sections: The sections to show, in template order (duplicates merged).
        missing: Template sections the entry does not have.
        note: Prose that is not a section: the whole text of an entry without sections (a
            refusal or a single paragraph), so that such a card still says something.
        meta: What Hugging Face knows about the paper, when it has been fetched; a card
            without it looks as cards did before enrichment.
        counts: The channel's 👍 and 🔖 counts, shown on the card's buttons (a new card has
            none; an edit after presses carries the new numbers).
    """

    arxiv_id: str
    title: str | None
    date: dt.date | None
    position: int
    total: int
    sections: tuple[CardSection, ...]
    missing: tuple[SectionKey, ...] = ()
    note: str = ""
    meta: PaperMeta | None = None
    counts: Counts = NO_COUNTS

    @property
    def display_title(self) -> str:
        """The title, or ``arXiv <id>`` when the entry has none."""
        return self.title or f"arXiv {self.arxiv_id}"

    @property
    def hf_url(self) -> str:
        """The Hugging Face paper page."""
        return f"https://huggingface.co/papers/{self.arxiv_id}"

    @property
    def abs_url(self) -> str:
        """The arXiv abstract page."""
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        """The arXiv PDF."""
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def position_label(self) -> str:
        """``3/26``: where the paper stands in its digest."""
        return f"{self.position}/{self.total}"

    @property
    def date_label(self) -> str:
        """ISO date, or ``undated``."""
        return self.date.isoformat() if self.date else "undated"

    def section(self, key: SectionKey) -> CardSection | None:
        """The card's section with this key, if shown."""
        return next((s for s in self.sections if s.key is key), None)


@dataclass(frozen=True, slots=True)
class DigestHeaderCard:
    """The message that opens a day's posts."""

    date: dt.date | None
    count: int

    @property
    def title(self) -> str:
        """``Hugging Face Daily Papers – 2025-05-27 · 26 papers``."""
        day = self.date.isoformat() if self.date else "undated"
        noun = "paper" if self.count == 1 else "papers"
        return f"{DIGEST_NAME} – {day} · {self.count} {noun}"


def section_hint(arxiv_id: str, key: SectionKey) -> str:
    """How to read a section whole, shown where a card had to cut it."""
    return f"/section {key.value} {arxiv_id}"


def card_from_paper(
    paper: Paper,
    *,
    date: dt.date | None,
    position: int,
    total: int,
    show: Iterable[SectionKey] | None = None,
    meta: PaperMeta | None = None,
) -> Card:
    """Build a card from a parsed entry.

    Args:
        paper: The parsed entry.
        date: Its digest's date.
        position: 1-based position in the digest.
        total: Papers in the digest.
        show: The sections a channel wants (default all seven); others are left out on
            purpose, which is not a loss: ``/section`` still shows them.
        meta: The paper's Hugging Face metadata, if fetched.
    """
    wanted = set(SectionKey.ordered() if show is None else show)
    bodies: dict[SectionKey, list[str]] = {}
    for section in paper.sections:
        if section.key in wanted and section.body:
            bodies.setdefault(section.key, []).append(section.body)
    sections = tuple(
        CardSection(key, "\n\n".join(bodies[key])) for key in SectionKey.ordered() if key in bodies
    )
    note = ""
    if not paper.sections:
        note = "\n\n".join(part for part in (paper.preamble, paper.epilogue) if part)
    return Card(
        arxiv_id=paper.arxiv_id,
        title=paper.title or title_from_preamble(paper.preamble),
        date=date,
        position=position,
        total=total,
        sections=sections,
        missing=tuple(paper.missing),
        note=note,
        meta=meta,
    )
