"""A digest listing page as Block Kit: numbered lines, and a menu that opens any paper's card.

One page is one message: a header (the listing's title and page), a context line (how many
papers), the numbered lines grouped into as few ``section`` blocks as their 3,000 characters
allow, and the "Open…" select of :mod:`bot.slack.components`, whose every option carries a
``paper`` :class:`~bot.core.answers.query.Query`. Choosing one is answered like any "Open…"
menu (:meth:`bot.slack.commands.PaperCommands.open_query`): that paper's card, ephemerally, for
whoever chose it; the listing itself stays as it is for everyone else.

:func:`listing_fits` renders a page and measures it against every limit Slack applies, so
:func:`~bot.core.cards.listing.pack` cuts a listing into as few messages as Slack allows. Digest
text is untrusted: titles and gists pass through :func:`~bot.slack.literal.literal`, which
escapes ``<!channel>`` and ``<@U…>`` and disarms mrkdwn markers.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Final

from bot.core.answers.query import Query
from bot.core.cards.listing import DigestListing, Fits, ListingItem, widest_page
from bot.core.cards.text import cut, escape_slack

from .components import open_select
from .limits import (
    CARD_TOTAL_MAX,
    HEADER_TEXT_MAX,
    MAX_BLOCKS,
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
)
from .literal import literal
from .render import Block, actions_block, mrkdwn_text, plain_text, text_size

__all__ = [
    "LISTING_TITLE_MAX",
    "listing_blocks",
    "listing_fits",
    "listing_line",
    "listing_message",
    "listing_problems",
    "option_label",
    "paper_query",
]

#: Characters of a title kept on a listing line (escaped): two lines on a phone at most. The
#: real titles average 46 characters, the longest 106, so only runaway ones are cut.
LISTING_TITLE_MAX: Final = 160
#: The "Open…" menu's placeholder.
_PLACEHOLDER: Final = "Open a paper's card…"


def paper_query(item: ListingItem) -> Query:
    """What choosing ``item`` asks: its card, on the digest it is listed from."""
    return Query("paper", paper=item.arxiv_id, date=item.date.isoformat())


@functools.lru_cache(maxsize=4096)  # packing renders a line many times
def listing_line(item: ListingItem) -> str:
    """``*12.* title — gist  ▲ 34``: one line of mrkdwn, its digest text made inert."""
    line = f"*{item.number}.* {cut(literal(item.title), LISTING_TITLE_MAX).text}"
    if item.withdrawn:
        line += " :warning: _withdrawn_"
    if item.gist:
        line += f" — {literal(item.gist)}"
    if item.upvotes is not None:
        line += f"  ▲ {item.upvotes}"
    return line


@functools.lru_cache(maxsize=4096)
def option_label(item: ListingItem) -> str:
    """``12. title``, for the menu (``plain_text`` cuts it to 75 characters)."""
    return f"{item.number}. {item.title}"


def _sections(lines: Sequence[str]) -> list[Block]:
    """The lines in order, in as few sections of at most 3,000 characters as they fit."""
    texts: list[str] = []
    for line in lines:
        line = cut(line, SECTION_TEXT_MAX).text  # only a line of pathological text is cut
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_TEXT_MAX:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return [{"type": "section", "text": mrkdwn_text(text)} for text in texts]


def listing_blocks(listing: DigestListing) -> list[Block]:
    """Block Kit for one page: header, count, numbered lines, and the "Open…" menu."""
    heading = f"{listing.title} {listing.page_label}".strip()
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(heading, HEADER_TEXT_MAX)},
        {"type": "context", "elements": [mrkdwn_text(escape_slack(listing.summary))]},
    ]
    blocks += _sections([listing_line(item) for item in listing.items])
    menu = open_select([(option_label(i), paper_query(i)) for i in listing.items], _PLACEHOLDER)
    if menu:
        blocks.append(actions_block(menu, block_id=f"listing:{listing.page}"))
    return blocks


def listing_message(listing: DigestListing, *, channel: str | None = None) -> dict[str, Any]:
    """``chat.postMessage`` arguments for a page (the poster stamps its metadata)."""
    fallback = f"{listing.title} {listing.page_label}: {listing.summary}"
    message: dict[str, Any] = {
        "text": escape_slack(" ".join(fallback.split())),
        "blocks": listing_blocks(listing),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    if channel is not None:
        message["channel"] = channel
    return message


def listing_problems(blocks: Sequence[Block], items: int) -> list[str]:
    """Every Slack limit ``blocks`` (a page of ``items`` lines) breaks; ``[]`` when none.

    Counted as Slack counts: 50 blocks, 3,000 characters per section, 100 options in the menu
    (one option per item: a page whose menu would drop a paper is too big), and the whole
    text under :data:`~bot.slack.limits.CARD_TOTAL_MAX`, well below the ~13,200 at which
    Slack answers ``msg_blocks_too_long``.
    """
    problems = []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for n, block in enumerate(blocks):
        if block["type"] == "section" and len(block["text"]["text"]) > SECTION_TEXT_MAX:
            problems.append(f"section {n}: {len(block['text']['text'])} > {SECTION_TEXT_MAX}")
    if items > SELECT_OPTIONS_MAX:
        problems.append(f"{items} options > {SELECT_OPTIONS_MAX}")
    options = [
        o
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        for o in e.get("options", ())
    ]
    if len(options) != items:
        problems.append(f"{len(options)} options for {items} papers")
    if any(len(o["text"]["text"]) > OPTION_TEXT_MAX for o in options):
        problems.append(f"an option's text is over {OPTION_TEXT_MAX}")
    if (size := text_size(blocks)) >= CARD_TOTAL_MAX:
        problems.append(f"{size} characters of text >= {CARD_TOTAL_MAX}")
    return problems


def listing_fits() -> Fits:
    """Whether a page of these items is one message Slack accepts (renders and measures it)."""

    def fits(items: Sequence[ListingItem]) -> bool:
        if not items:
            return True
        return not listing_problems(listing_blocks(widest_page(items)), len(items))

    return fits
