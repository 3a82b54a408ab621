"""Parse one entry's summary into title, preamble, sections and epilogue.

The summary is whatever the LLM wrote under ``**Summary**:``. We walk its lines once, keeping
three pieces of state: where we are relative to the summary's ```` ```markdown ```` fence
(before, inside, after), whether we are inside an inner code block (whose lines are never
headings), and which section the current line belongs to. Every line lands in exactly one
place, so nothing the LLM wrote is lost, however far it strayed from the template.
"""

from __future__ import annotations

import re
import textwrap
import zlib
from dataclasses import dataclass, field
from typing import Final

from .headings import Heading, HeadingStyle, match_heading, section_for
from .models import ParseWarning, Section
from .sections import SectionKey

__all__ = ["EntryParts", "parse_summary"]

_FENCE: Final = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*([\w+-]*)[^`]*$")
_TITLE_LABEL: Final = re.compile(r"^(?:논문\s*요약|요약|논문|summary|title|제목)\s*[:：-]\s*", re.I)
_QUOTES: Final = ('""', "“”", "''", "‘’", "「」", "『』", "《》")
#: Bodies longer than this are checked for degenerate repetition.
_DEGENERATE_MIN_CHARS: Final = 800
#: Korean prose compresses to about 0.35-0.5 of its UTF-8 size; a phrase repeated until the
#: output was cut off compresses far below this.
_DEGENERATE_RATIO: Final = 0.12


@dataclass
class EntryParts:
    """What :func:`parse_summary` found in one entry."""

    title: str | None = None
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    epilogue: str = ""
    missing: list[SectionKey] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


@dataclass
class _Open:
    heading: Heading
    line: int
    body: list[str] = field(default_factory=list)


def clean_title(text: str) -> str | None:
    """Strip a ``논문 요약:`` style label, bold markers and surrounding quotes.

    A label with nothing after it (a digest cut short right there) is the title itself: the
    parser never loses text, even a heading that is only a label.
    """
    bare = text.strip().strip("*").strip()
    title = _TITLE_LABEL.sub("", bare).strip() or bare
    for pair in _QUOTES:
        if len(title) >= 2 and title[0] == pair[0] and title[-1] == pair[1]:
            title = title[1:-1].strip()
            break
    return title or None


def _block(lines: list[str]) -> str:
    """Join lines, drop blank edges and common indentation (list-heading bodies are indented)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    if start == end:
        return ""
    text = "\n".join([line.rstrip() for line in lines[start:end]])
    # Only an indented first line can mean a common margin (list-heading bodies).
    return textwrap.dedent(text) if text[:1] in (" ", "\t") else text


def _looks_degenerate(body: str) -> bool:
    if len(body) < _DEGENERATE_MIN_CHARS:
        return False
    data = body.encode()
    return len(zlib.compress(data, 1)) < _DEGENERATE_RATIO * len(data)


class _SummaryParser:
    """Single pass over one summary; see the module docstring."""

    def __init__(self, lines: list[str], first_line: int, paper: str) -> None:
        self.lines = lines
        self.first_line = first_line
        self.paper = paper
        self.parts = EntryParts()
        self.region = "before"  # before | inside | after the summary fence
        self.fence_line = 0
        self.fence: str | None = None  # the summary fence's marker while inside it
        self.code: str | None = None  # an inner code block's marker
        self.preamble: list[str] = []
        self.epilogue: list[str] = []
        self.current: _Open | None = None
        self.closed: list[_Open] = []
        self.style: HeadingStyle | None = None
        self.section_level = 0

    def warn(self, line: int, message: str) -> None:
        self.parts.warnings.append(ParseWarning(line=line, paper=self.paper, message=message))

    def run(self) -> EntryParts:
        # The hot loop: most lines are plain body text, so they are recognised by their first
        # character and appended without a method call (this keeps the parse ~10x faster than
        # tokenising the digest with a general Markdown parser).
        number = self.first_line - 1
        fence_chars, heading_chars = "`~ ", "#*0123456789 "
        for line in self.lines:
            number += 1
            first = line[:1]
            if first in fence_chars and first and self.fence_marker(line, number):
                continue
            if first in heading_chars and first and self.code is None:
                heading = match_heading(line)
                if heading is not None and self.take_heading(heading, line, number):
                    continue
            current = self.current
            if current is not None:
                current.body.append(line)
            elif self.region == "after":
                self.epilogue.append(line)
            else:
                self.preamble.append(line)
        if self.region == "inside":
            self.warn(self.fence_line, "the summary's code fence is never closed")
        self.finish()
        return self.parts

    def fence_marker(self, line: str, number: int) -> bool:
        """Handle fence lines; True when the line was the summary fence itself."""
        if "`" not in line[:6] and "~" not in line[:6]:
            return False
        match = _FENCE.match(line)
        if match is None:
            return False
        marker, info = match.group(1), match.group(2).lower()
        if self.code is not None:
            if not info and marker[0] == self.code[0] and len(marker) >= len(self.code):
                self.code = None
            return False
        if self.region == "inside" and self.fence is not None:
            if not info and marker[0] == self.fence[0] and len(marker) >= len(self.fence):
                self.region, self.fence = "after", None
                self.close_section()
                return True
            self.code = marker
            return False
        opens_summary = info in ("markdown", "md") or (
            not info and not self.closed and not self.current
        )
        if self.region == "before" and opens_summary:
            self.region, self.fence, self.fence_line = "inside", marker, number
            return True
        self.code = marker
        return False

    def take_heading(self, heading: Heading, line: str, number: int) -> bool:
        """Start a section or record the title; False leaves the line to the body."""
        started = self.current is not None or bool(self.closed)
        if heading.key is None:
            if heading.style is HeadingStyle.ATX and not started and self.parts.title is None:
                self.parts.title = clean_title(heading.text)
                return True
            if (
                heading.style is HeadingStyle.ATX
                and started
                and heading.level <= self.section_level
            ):
                self.warn(number, f"unknown heading {heading.text!r} kept in the section body")
            return False
        if self.style is not None and heading.style is not self.style:
            # One entry keeps one heading dialect; a bold line that merely mentions a section
            # name inside another section's body is emphasis, unless it strictly names a
            # section we have not seen yet.
            seen = {o.heading.key for o in self.closed} | {
                self.current.heading.key if self.current else None
            }
            if (
                heading.key in seen
                or section_for(heading.text.lstrip("0123456789.) "), strict=True) is None
            ):
                return False
        if self.style is None:
            self.style = heading.style
            self.section_level = heading.level
        self.close_section()
        self.current = _Open(heading, number)
        return True

    def close_section(self) -> None:
        if self.current is not None:
            self.closed.append(self.current)
            self.current = None

    def finish(self) -> None:
        self.close_section()
        parts = self.parts
        parts.preamble = _block(self.preamble)
        parts.epilogue = _block(self.epilogue)
        seen: dict[SectionKey, int] = {}
        for opened in self.closed:
            key = opened.heading.key
            assert key is not None  # only keyed headings open sections
            body = _block(opened.body)
            if key in seen:
                self.warn(
                    opened.line,
                    f"section {key.value!r} appears again (first at line {seen[key]}); both kept",
                )
            else:
                seen[key] = opened.line
            if _looks_degenerate(body):
                self.warn(opened.line, f"section {key.value!r} repeats itself and looks cut off")
            parts.sections.append(
                Section(
                    key=key,
                    number=opened.heading.number,
                    heading=opened.heading.text,
                    body=body,
                    line=opened.line,
                )
            )
        parts.missing = [k for k in SectionKey.ordered() if k not in seen]
        first = self.first_line
        if not self.closed:
            if parts.preamble or parts.epilogue or parts.title:
                self.warn(first, "no summary sections found; the text is kept as the preamble")
            else:
                self.warn(first, "empty summary")
        elif parts.missing:
            names = ", ".join(k.value for k in parts.missing)
            self.warn(self.closed[-1].line, f"missing sections: {names}")


def parse_summary(lines: list[str], first_line: int, paper: str) -> EntryParts:
    """Parse the summary lines of one entry.

    Args:
        lines: The summary's lines, without the entry's id, link and marker lines.
        first_line: The 1-based line number of ``lines[0]`` in the digest.
        paper: The entry's arXiv id, for warnings.
    """
    return _SummaryParser(lines, first_line, paper).run()
