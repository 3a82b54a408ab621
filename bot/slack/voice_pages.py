"""The pages of ``/saved`` and ``/reading-list`` in Block Kit: text, Open…, Remove…, Prev/Next.

The text is the desk's (:meth:`~bot.core.voice.desk.SavedPage.text`), escaped by
:func:`~bot.slack.literal.literal`. "Open…" is the paper commands' own menu
(:func:`~bot.slack.components.open_select`), answered by :mod:`bot.slack.commands`; "Remove…"
and the page buttons carry ``{"paper": …, "page": …}`` in their values and are answered by
the command module that drew them, under the action ids below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bot.core.answers.query import Query
from bot.core.cards.text import cut, split
from bot.core.voice.desk import PAGE_SIZE, ReadingPage, SavedPage

from .components import open_select
from .limits import BUTTON_TEXT_MAX, OPTION_TEXT_MAX, SECTION_TEXT_MAX, SELECT_OPTIONS_MAX
from .literal import literal
from .render import Block, actions_block, decode_value, encode_value, mrkdwn_text, plain_text
from .responder import respond_checked

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncRespond

__all__ = [
    "ACTION_READING_PAGE",
    "ACTION_READING_REMOVE",
    "ACTION_SAVED_PAGE",
    "ACTION_SAVED_REMOVE",
    "Entry",
    "page_blocks",
    "page_of",
    "paper_of",
    "show_page",
]

#: The "Remove…" select of ``/saved`` (a member's own list).
ACTION_SAVED_REMOVE: Final = "paperbot_saved_remove"
#: ``action_id`` prefix of ``/saved``'s Prev/Next (``…_prev``, ``…_next``: unique in one row).
ACTION_SAVED_PAGE: Final = "paperbot_saved_page"
#: The "Remove…" select of ``/reading-list``, shown to admins (and checked again on use).
ACTION_READING_REMOVE: Final = "paperbot_reading_remove"
ACTION_READING_PAGE: Final = "paperbot_reading_page"
_TITLE_SHOWN: Final = 60


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper of a page, as its menus offer it."""

    arxiv_id: str
    title: str | None
    digest_date: dt.date | None


def page_blocks(
    text: str,
    entries: Sequence[Entry],
    *,
    page: int,
    pages: int,
    remove: str | None,
    pager: str,
) -> list[Block]:
    """A page: its text, then one actions row with Open…, Remove… (when ``remove``) and pages.

    Args:
        text: The desk's text of the page, already escaped.
        entries: The page's papers, in the order shown.
        page: This page (1-based).
        pages: How many there are.
        remove: ``action_id`` of the Remove… select, or ``None`` to offer none.
        pager: ``action_id`` prefix of the Prev/Next buttons.
    """
    blocks: list[Block] = [
        {"type": "section", "text": mrkdwn_text(chunk)}
        for chunk in split(text, SECTION_TEXT_MAX)
        if chunk.strip()
    ]
    first = (page - 1) * PAGE_SIZE + 1
    labels = [(_label(n, entry), entry) for n, entry in enumerate(entries, start=first)]
    elements = open_select([(label, _query(e)) for label, e in labels], "Open…")
    if remove is not None and entries:
        elements.append(
            {
                "type": "static_select",
                "action_id": remove,
                "placeholder": plain_text("Remove…", OPTION_TEXT_MAX),
                "options": [
                    {
                        "text": plain_text(label, OPTION_TEXT_MAX),
                        "value": encode_value(paper=e.arxiv_id, page=str(page)),
                    }
                    for label, e in labels
                ][:SELECT_OPTIONS_MAX],
            }
        )
    for name, label, to, shown in (
        ("prev", "◀ Prev", page - 1, page > 1),
        ("next", "Next ▶", page + 1, page < pages),
    ):
        if shown:
            elements.append(
                {
                    "type": "button",
                    "action_id": f"{pager}_{name}",
                    "text": plain_text(label, BUTTON_TEXT_MAX),
                    "value": encode_value(page=str(to)),
                }
            )
    if elements:
        blocks.append(actions_block(elements))
    return blocks


def page_of(value: str | None) -> int:
    """The page a Prev/Next or Remove… value names; 1 when unreadable."""
    raw = decode_value(value or "").get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def paper_of(value: str | None) -> str | None:
    """The arXiv id a Remove… option names, or ``None``."""
    paper = decode_value(value or "").get("paper", "").strip()
    return paper if paper and len(paper) <= 40 else None


def _query(entry: Entry) -> Query:
    day = entry.digest_date.isoformat() if entry.digest_date else None
    return Query("paper", entry.arxiv_id, date=day)


def _label(n: int, entry: Entry) -> str:
    title = " ".join((entry.title or f"arXiv {entry.arxiv_id}").split())
    return f"{n}. {cut(title, _TITLE_SHOWN).text}"


async def show_page(
    respond: AsyncRespond,
    shown: SavedPage | ReadingPage,
    *,
    title: str,
    remove: str | None,
    pager: str,
    said: str | None = None,
    replace: bool = False,
) -> None:
    """Reply with one page of ``/saved`` or ``/reading-list`` (in place of the last one when
    ``replace``), ``said`` (what a Remove… did) above it."""
    text = shown.text(literal)
    if said:
        text = f"{literal(said)}\n\n{text}"
    entries = [Entry(i.arxiv_id, i.title, i.digest_date) for i in shown.items]
    blocks = page_blocks(
        text, entries, page=shown.page, pages=shown.pages, remove=remove, pager=pager
    )
    await respond_checked(
        respond,
        text=said or title,
        blocks=blocks,
        response_type="ephemeral",
        replace_original=replace or said is not None,
    )
