"""What produced an answer, as a value that can run again: the state behind every button.

Neither chat platform keeps state for us between a reply and a click on it, and the process may
restart in between. So each reply is described by a :class:`Query` (``/section limitations`` on
2025-05-27, page 2), the query is packed into its buttons and menus, and a click ("Post to
channel", Next, a section from the menu) unpacks it and runs it again with :func:`run_query`.
Queries are pinned to a digest date once answered (:func:`pinned`), so "Next" pages through the
digest that was shown even after a newer one arrives. Being hashable, a query is also the key
under which a reply is kept (:mod:`bot.core.answers.cache`).

Two packings, both stable because cards already posted carry them:

* :meth:`Query.fields` (JSON object fields): Slack's values, ``{"cmd":"paper","paper":…}``.
* :meth:`Query.encode`, a compact ``:``-separated id: Discord's ``custom_id`` bodies. Five forms
  are the ids paperbot has always written, chosen whenever they can say the query::

      paper:PAPER:DATE          section:SECTION:PAPER:DATE        page:SECTION:DATE:PAGE
      digest:DATE               search:TEXT

  Anything else is ``q:COMMAND:PAPER:SECTION:DATE:PAGE:TEXT``. In every field but the last,
  ``%`` and ``:`` are percent-escaped; the last is written as it is, so a search keeps its
  colons. An empty field means an absent one.

Decoding forgets two differences that never mattered to an answer: an empty string is an
absent field, and a date of ``""`` or ``undated`` (a card's label when it has no date) is no
date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
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
from bot.core.archive.lookup import Lookup, NotFound, SearchResults, SectionPage
from bot.core.archive.records import DigestSummary

__all__ = [
    "SEARCH_PER_PAGE",
    "SLASH_NAMES",
    "Answer",
    "Command",
    "Found",
    "Kind",
    "Query",
    "pinned",
    "query_for_command",
    "run_query",
]

Command = Literal["paper", "section", "digest", "search"]
#: What a query shows; ``page`` is a section across a digest (a section query without a paper).
Kind = Literal["paper", "section", "page", "digest", "search"]
Found = CardAnswer | SectionAnswer | SectionPage | DigestSummary | SearchResults
Answer = Found | NotFound
"""Everything :func:`run_query` may answer."""

#: Hits per search page (``answer_search`` asks the lookup for ten).
SEARCH_PER_PAGE: Final = 10
#: The slash command that asks each query (``/paper-search``: ``/search`` is Slack's own).
SLASH_NAMES: Final[Mapping[Command, str]] = {
    "paper": "paper",
    "section": "section",
    "digest": "digest",
    "search": "paper-search",
}
_COMMANDS: Final = frozenset(get_args(Command))
_NO_DATE: Final = ("", "undated")
_UNESCAPE: Final = {"%25": "%", "%3A": ":"}


@dataclass(frozen=True, slots=True)
class Query:
    """A re-runnable query: a command, its arguments as given, and the page shown.

    Attributes:
        command: Which command answers it.
        paper: A reference (an arXiv id once pinned; as typed before).
        section: A section name or alias (a slug once pinned).
        date: A digest date (ISO once pinned); ``None`` for the newest.
        text: What a search looks for.
        page: The page shown, from 1.
    """

    command: Command
    paper: str | None = None
    section: str | None = None
    date: str | None = None
    text: str | None = None
    page: int = 1

    @property
    def kind(self) -> Kind:
        """What it shows: ``page`` for a section of every paper, else the command."""
        if self.command == "section" and self.paper is None:
            return "page"
        return self.command

    def at(self, page: int) -> Query:
        """The same query on another page."""
        return dataclasses.replace(self, page=page)

    # -- the compact id ------------------------------------------------------------------

    def encode(self) -> str:
        """The shortest id :meth:`decode` reads back as this query (see the module doc)."""
        c, paper, section, text = self.command, self.paper, self.section, self.text
        first = self.page == 1
        if c == "paper" and first and (section, text) == (None, None):
            return _join("paper", paper, self.date or "undated")
        if c == "section" and paper is not None and first and text is None:
            return _join("section", section, paper, self.date or "undated")
        if c == "section" and paper is None and text is None:
            return _join("page", section, self.date or "undated", str(self.page))
        if c == "digest" and first and (paper, section, text) == (None, None, None):
            return _join("digest", self.date)
        if c == "search" and first and (paper, section, self.date) == (None, None, None):
            return _join("search", text)
        return _join("q", c, paper, section, self.date, str(self.page), text)

    @classmethod
    def decode(cls, body: str) -> Query | None:
        """Read an id made by :meth:`encode`, today's or an older paperbot's; else ``None``."""
        form, _, rest = body.partition(":")
        arity = _ARITY.get(form)
        if arity is None:
            return None
        parts = rest.split(":", arity - 1)
        if len(parts) != arity:
            return None
        fields = [_unescape(part) or None for part in parts[:-1]] + [parts[-1] or None]
        if form == "paper":
            return cls("paper", paper=fields[0], date=_date(fields[1]))
        if form == "section":
            return cls("section", paper=fields[1], section=fields[0], date=_date(fields[2]))
        if form == "page":
            return cls("section", section=fields[0], date=_date(fields[1]), page=_page(fields[2]))
        if form == "digest":
            return cls("digest", date=_date(fields[0]))
        if form == "search":
            return cls("search", text=fields[0])
        command, paper, section, date, page, text = fields
        if command not in _COMMANDS:
            return None
        return cls(
            command,  # type: ignore[arg-type]  # checked against Command's values above
            paper=paper,
            section=section,
            date=_date(date),
            text=text,
            page=_page(page),
        )

    # -- Slack's JSON fields -------------------------------------------------------------

    def fields(self) -> dict[str, str]:
        """The set fields under their JSON names (``cmd``, ``query`` for the text)."""
        fields: dict[str, str] = {"cmd": self.command}
        for name, value in (
            ("paper", self.paper),
            ("section", self.section),
            ("date", self.date),
            ("query", self.text),
        ):
            if value is not None:
                fields[name] = value
        if self.page != 1:
            fields["page"] = str(self.page)
        return fields

    @classmethod
    def from_fields(cls, data: Mapping[str, str]) -> Query | None:
        """Read :meth:`fields`, or a card's section option; ``None`` if neither.

        A card's "Show section…" options carry ``paper``, ``date`` and ``section`` without a
        ``cmd``: they are section queries, and cards already posted in channels keep working.
        """
        command = data.get("cmd", "section" if "section" in data else "")
        if command not in _COMMANDS:
            return None
        return cls(
            command,  # type: ignore[arg-type]  # checked against Command's values above
            paper=data.get("paper"),
            section=data.get("section"),
            date=_date(data.get("date")),
            text=data.get("query"),
            page=_page(data.get("page")),
        )


#: Fields after the form's name; ``q`` is the general form.
_ARITY: Final = {"paper": 2, "section": 3, "page": 3, "digest": 1, "search": 1, "q": 6}


def _join(*fields: str | None) -> str:
    *head, last = ["" if field is None else field for field in fields]
    return ":".join([*(f.replace("%", "%25").replace(":", "%3A") for f in head), last])


def _unescape(field: str) -> str:
    if "%" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        pair = _UNESCAPE.get(field[i : i + 3])
        out.append(pair or field[i])
        i += 3 if pair else 1
    return "".join(out)


def _date(value: str | None) -> str | None:
    return None if value is None or value in _NO_DATE else value


def _page(value: str | None) -> int:
    """A page number as carried; anything unreadable is page 1."""
    try:
        return max(1, int(value or "1"))
    except ValueError:  # not a number, or one of thousands of digits
        return 1


def pinned(query: Query, answer: Found) -> Query:
    """The query that shows ``answer`` again: on the digest it came from, at the same page.

    A card or a section found under any alias and date ("6", "한계", the newest) becomes the
    arXiv id, the section's slug and the ISO date, so a button pressed next week shows the
    same thing. A digest or search keeps ``query``'s page; the caller knows its page count.
    """
    if isinstance(answer, CardAnswer):
        return Query("paper", paper=answer.card.arxiv_id, date=answer.entry.date.isoformat())
    if isinstance(answer, SectionAnswer):
        card, key = answer.card, answer.section.key
        return Query("section", paper=card.arxiv_id, section=key.value, date=card.date_label)
    if isinstance(answer, SectionPage):
        date = answer.date.isoformat()
        return Query("section", section=answer.key.value, date=date, page=answer.page)
    if isinstance(answer, DigestSummary):
        return Query("digest", date=answer.date.isoformat(), page=query.page)
    return Query("search", text=answer.query, page=query.page)


def query_for_command(name: Command, text: str) -> Query:
    """The query a slash command asks for, from the one string typed after it (Slack)."""
    if name == "paper":
        ref, section, date = parse_paper_args(text)
        return Query("paper", paper=ref, section=section, date=date)
    if name == "section":
        wanted, paper, day = parse_section_args(text)
        return Query("section", paper=paper, section=wanted, date=day)
    if name == "digest":
        return Query("digest", date=text.strip() or None)
    return Query("search", text=text.strip())


async def run_query(lookup: Lookup, query: Query) -> Answer:
    """Ask the archive for what ``query`` shows (never raises for user input)."""
    if query.command == "paper":
        return await answer_paper(lookup, query.paper or "", query.section, query.date)
    if query.command == "section":
        section = query.section or ""
        return await answer_section(lookup, section, query.paper, query.date, page=query.page)
    if query.command == "digest":
        return await answer_digest(lookup, query.date)
    offset = (query.page - 1) * SEARCH_PER_PAGE
    return await answer_search(lookup, query.text or "", offset=offset)
