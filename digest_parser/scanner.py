"""Split a digest into its header and entry spans, in one pass over the lines.

An entry starts at a ``## <arXiv id>`` line. A ``## `` line that is not an arXiv id (shifted
heading levels inside a summary) is never a boundary, and neither is an id heading inside an
open code fence, unless the next line is the entry's 🔗 link: then the fence was left open by
a cut-off summary, and the link proves a new entry begins.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from .models import ParseWarning

__all__ = ["EntrySpan", "Layout", "scan"]

ARXIV_ID: Final = r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})"
_ID_HEADING: Final = re.compile(rf"##[ \t]+(?:arXiv:)?({ARXIV_ID})(?:v\d+)?[ \t]*$", re.I)
_HEADER: Final = re.compile(r"#[ \t]+(.*)$")
_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LINK: Final = re.compile(r"(?:🔗[ \t]*)?<?(https?://[^\s<>]+?)>?[ \t]*$")
_FENCE_START: Final = ("```", "~~~")


@dataclass(frozen=True, slots=True)
class EntrySpan:
    """Lines ``start`` (the id heading) up to ``end`` (exclusive), 0-based indexes."""

    arxiv_id: str
    start: int
    end: int


@dataclass(slots=True)
class Layout:
    """The digest's skeleton: header, entries and anything stranded between them."""

    header_line: int | None
    header_text: str | None
    date: dt.date | None
    entries: list[EntrySpan]
    warnings: list[ParseWarning]


def is_link(line: str) -> bool:
    """True for an entry's link line (``🔗 https://…``)."""
    stripped = line.strip()
    return stripped.startswith("🔗") or (
        stripped.startswith(("http://", "https://", "<http")) and _LINK.match(stripped) is not None
    )


def link_url(line: str) -> str | None:
    """The URL of a link line, or None."""
    match = _LINK.match(line.strip())
    return match.group(1) if match else None


def _next_nonblank(lines: list[str], index: int) -> str:
    for line in lines[index + 1 : index + 4]:
        if line.strip():
            return line
    return ""


def _header(
    lines: list[str], stop: int, warnings: list[ParseWarning]
) -> tuple[int | None, str | None, dt.date | None]:
    """Find the ``# 📰 … – YYYY-MM-DD`` header among the lines before the first entry."""
    for index in range(stop):
        line = lines[index]
        if not line.strip():
            continue
        match = _HEADER.match(line)
        if match is None:
            break
        found = _DATE.search(match.group(1))
        if found is None and "daily papers" not in match.group(1).casefold():
            break  # some other document's title, not a digest header
        if found is None:
            warnings.append(ParseWarning(line=index + 1, message="the digest header has no date"))
            return index, line, None
        try:
            date = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            warnings.append(
                ParseWarning(line=index + 1, message=f"invalid header date {found.group(0)!r}")
            )
            return index, line, None
        return index, line, date
    return None, None, None


def scan(lines: list[str]) -> Layout:
    """Find the header and every entry span."""
    warnings: list[ParseWarning] = []
    starts: list[tuple[str, int]] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        head = line[:3]
        if head in _FENCE_START or (line[:1] == " " and line.lstrip()[:3] in _FENCE_START):
            marker = line.lstrip()[:3]
            info = line.lstrip()[3:].strip("`~ \t")
            if fence is None:
                fence = marker
            elif marker == fence and not info:
                fence = None
            continue
        if head != "## ":
            continue
        match = _ID_HEADING.match(line)
        if match is None:
            continue
        if fence is not None:
            if not is_link(_next_nonblank(lines, index)):
                continue
            fence = None
        starts.append((match.group(1), index))
    first = starts[0][1] if starts else len(lines)
    header_line, header_text, date = _header(lines, first, warnings)
    for index in range(first):
        if index != header_line and lines[index].strip():
            excerpt = lines[index].strip()[:60]
            warnings.append(
                ParseWarning(line=index + 1, message=f"text outside any entry: {excerpt!r}")
            )
    entries = [
        EntrySpan(arxiv_id, start, starts[n + 1][1] if n + 1 < len(starts) else len(lines))
        for n, (arxiv_id, start) in enumerate(starts)
    ]
    return Layout(header_line, header_text, date, entries, warnings)
