"""What a Slack reply shows, as a query that can be run again: the state of every button.

Slack keeps no state for us between a reply and a click on it. So each reply is described by a
:class:`View` (``/section limitations`` on 2025-05-27, page 2), the view is packed into the
``value`` of its buttons, and a click (Next, "Post to channel", a section from the menu) decodes
it and runs it again. Nothing is remembered in the process, so a restart between a reply and the
click changes nothing. Views are pinned to a digest date once answered, so "Next" pages through
the digest that was shown even after a newer one arrives.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final, Literal, get_args

from bot.core.answers.paper_answers import (
    CardAnswer,
    SectionAnswer,
    answer_digest,
    answer_paper,
    answer_search,
    answer_section,
    parse_paper_args,
    parse_section_args,
)
from bot.core.archive.lookup import DigestSummary, Lookup, NotFound, SearchResults, SectionPage

from .render import decode_value, encode_value

__all__ = ["SEARCH_PER_PAGE", "Answer", "Command", "View", "run_view", "view_for_command"]

Command = Literal["paper", "section", "digest", "search"]
Answer = CardAnswer | SectionAnswer | SectionPage | DigestSummary | SearchResults | NotFound

#: Hits per search page (``answer_search`` asks the lookup for ten).
SEARCH_PER_PAGE: Final = 10
_COMMANDS: Final = frozenset(get_args(Command))


@dataclass(frozen=True, slots=True)
class View:
    """A re-runnable query: a command, its arguments and the page shown."""

    command: Command
    paper: str | None = None
    section: str | None = None
    date: str | None = None
    query: str | None = None
    page: int = 1

    def at(self, page: int) -> View:
        """The same view on another page."""
        return dataclasses.replace(self, page=page)

    def encode(self) -> str:
        """The view as a short JSON ``value`` (only the fields that are set)."""
        fields: dict[str, str] = {"cmd": self.command}
        for name in ("paper", "section", "date", "query"):
            if (value := getattr(self, name)) is not None:
                fields[name] = value
        if self.page != 1:
            fields["page"] = str(self.page)
        return encode_value(**fields)

    @classmethod
    def decode(cls, value: str | None) -> View | None:
        """Read a value made by :meth:`encode`, or a card's section option; ``None`` if neither.

        A card's "Show section…" options carry ``paper``, ``date`` and ``section`` without a
        ``cmd``: they are section views, and cards already posted in channels keep working.
        """
        data = decode_value(value or "")
        command = data.get("cmd", "section" if "section" in data else "")
        if command not in _COMMANDS:
            return None
        date = data.get("date")
        try:
            page = max(1, int(data.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            command,  # type: ignore[arg-type]  # checked against Command's values above
            paper=data.get("paper"),
            section=data.get("section"),
            date=None if date in (None, "", "undated") else date,
            query=data.get("query"),
            page=page,
        )


def view_for_command(name: Command, text: str) -> View:
    """The view a slash command asks for, from the ``text`` typed after it."""
    if name == "paper":
        ref, section, date = parse_paper_args(text)
        return View("paper", paper=ref, section=section, date=date)
    if name == "section":
        wanted, paper, day = parse_section_args(text)
        return View("section", paper=paper, section=wanted, date=day)
    if name == "digest":
        return View("digest", date=text.strip() or None)
    return View("search", query=text.strip())


async def run_view(lookup: Lookup, view: View) -> Answer:
    """Ask the archive for what ``view`` shows (never raises for user input)."""
    if view.command == "paper":
        return await answer_paper(lookup, view.paper or "", view.section, view.date)
    if view.command == "section":
        return await answer_section(
            lookup, view.section or "", view.paper, view.date, page=view.page
        )
    if view.command == "digest":
        return await answer_digest(lookup, view.date)
    offset = (view.page - 1) * SEARCH_PER_PAGE
    return await answer_search(lookup, view.query or "", offset=offset)
