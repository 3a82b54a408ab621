"""Recognise section and title headings on a single line.

The LLM writes the seven section headings in at least four dialects (ATX ``## 1. …``, bold
``**1. …**``, bold with a colon ``**주요 기여 및 참신성:**``, and numbered-list ``1. **…**``). This
module turns one line into a :class:`Heading` or ``None`` without looking at context; the entry
parser decides what a heading means where it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Final

from .sections import SectionKey, normalise_name

__all__ = ["Heading", "HeadingStyle", "match_heading", "section_for"]


class HeadingStyle(Enum):
    """How a heading was written; decides how much we trust an English or short name."""

    ATX = "atx"  # ## 1. 핵심 동기와 문제 정의
    BOLD = "bold"  # **1. 핵심 동기와 문제 정의**  /  **주요 기여 및 참신성:**
    LIST = "list"  # 1. **핵심 동기와 문제 정의**  (body indented under it)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading-shaped line.

    Attributes:
        style: How it was written.
        level: ATX level (1-6); 0 for bold and list headings.
        text: The heading text as written, without Markdown markers.
        number: The leading section number, when one was written.
        key: The section it names, or None (a title, or an unknown heading).
        indent: Columns of indentation before the marker (list bodies are indented past it).
    """

    style: HeadingStyle
    level: int
    text: str
    number: int | None
    key: SectionKey | None
    indent: int


_ATX: Final = re.compile(r"( {0,3})(#{1,6})(?:[ \t]+(.*))?$")
_BOLD: Final = re.compile(r"( {0,3})\*\*(?!\s)(.+?)\*\*[ \t]*:?[ \t]*$")
_LIST: Final = re.compile(r"( {0,3})(\d{1,2})[.)][ \t]+\*\*(?!\s)(.+?)\*\*[ \t]*:?[ \t]*$")
_NUMBER: Final = re.compile(r"(\d{1,2})[.)]?[ \t]+(.*)$")
_KOREAN_PREFIXES: Final = tuple((normalise_name(k.korean), k) for k in SectionKey.ordered())


@lru_cache(maxsize=1024)
def section_for(text: str, *, strict: bool) -> SectionKey | None:
    """The section a heading's words name, or None.

    Args:
        text: Heading words without number or markers, e.g. ``한계점 및 잠재적 실패 요인:``.
        strict: Accept only Korean headings (exact or as a prefix). Used for bare list items,
            where an English word such as "Model" is more likely a list entry than a heading.
    """
    words = text.strip().strip("*").rstrip(":：").strip()
    words = _strip_parenthetical(words)
    folded = normalise_name(words)
    for prefix, key in _KOREAN_PREFIXES:
        if folded.startswith(prefix):
            return key
    if strict:
        return None
    return SectionKey.lookup(words)


def _strip_parenthetical(words: str) -> str:
    """Drop a trailing ``(English gloss)``; string operations keep this linear on any input."""
    if not words.endswith((")", "）")):
        return words
    opening = max(words.rfind("("), words.rfind("（"))
    return words[:opening].rstrip() if opening > 0 else words


def _atx_text(raw: str | None) -> str:
    """The heading text without an optional closing ``###`` run (CommonMark 4.2)."""
    text = (raw or "").strip()
    stripped = text.rstrip("#")
    if stripped != text and (not stripped or stripped[-1] in " \t"):
        text = stripped.rstrip()
    return text


def _split_number(text: str) -> tuple[int | None, str]:
    match = _NUMBER.match(text)
    if match is None:
        return None, text
    return int(match.group(1)), match.group(2)


@lru_cache(maxsize=4096)
def match_heading(line: str) -> Heading | None:
    """Classify one line as a heading, or return None for ordinary body text.

    Bold and list lines count as headings only when they name a section: a bold line is
    often plain emphasis. ATX lines are always headings (a title, a section, or unknown).
    Memoised: a digest repeats the same seven heading lines in every entry, and the result
    is an immutable value, so sharing it is safe.
    """
    first = line[:1]
    if first == "" or first not in "# *0123456789":
        return None
    stripped = line.lstrip(" ")
    if stripped.startswith("#"):
        match = _ATX.match(line)
        if match is None:
            return None
        text = _atx_text(match.group(3))
        inner = text.strip("*").strip() if text.startswith("**") and text.endswith("**") else text
        number, words = _split_number(inner)
        return Heading(
            HeadingStyle.ATX,
            len(match.group(2)),
            inner,
            number,
            section_for(words, strict=False),
            len(match.group(1)),
        )
    if stripped.startswith("**"):
        match = _BOLD.match(line)
        if match is None:
            return None
        inner = match.group(2).strip()
        number, words = _split_number(inner)
        key = section_for(words, strict=False)
        if key is None:
            return None
        return Heading(HeadingStyle.BOLD, 0, inner, number, key, len(match.group(1)))
    match = _LIST.match(line)
    if match is None:
        return None
    words = match.group(3).strip()
    key = section_for(words, strict=False)
    if key is None:
        return None
    text = line.strip().replace("**", "").rstrip(":").rstrip()
    return Heading(HeadingStyle.LIST, 0, text, int(match.group(2)), key, len(match.group(1)))
