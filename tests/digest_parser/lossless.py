"""The lossless property: every non-blank input line ends up in exactly one place.

Places are the digest header, a paper's marker lines (id heading, link, ``**Summary**:``,
fences, separators), its title, preamble, section headings and bodies, epilogue, or a warning
that names the line (text outside any entry, a skipped duplicate entry). Lines are compared
after removing whitespace and Markdown emphasis/heading markers, because the parser strips
``##``/``**`` from headings and dedents list bodies, which changes nothing a reader sees.
"""

from __future__ import annotations

import re
from collections import Counter

from digest_parser import Digest

_NOISE = re.compile(r"[\s*#]")
_MARKER = re.compile(
    r"^(?:(?:arXiv:)?\d{4}\.\d{4,5}(?:v\d+)?|🔗.*|https?://\S+|Summary:?|(?:`{3,}|~{3,})[\w+-]*|[-_]{3,}|:)$",
    re.I,
)


def norm(line: str) -> str:
    """Fold a line to what the comparison looks at."""
    return _NOISE.sub("", line)


def _lines(text: str) -> list[str]:
    return [n for n in (norm(line) for line in text.split("\n")) if n]


def lossless_gaps(text: str, digest: Digest) -> tuple[Counter[str], Counter[str]]:
    """Return (input lines found nowhere, record lines that came from nowhere)."""
    source = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    skipped: set[int] = set()
    for warning in digest.warnings:
        if warning.message.startswith("text outside any entry"):
            skipped.add(warning.line)
        if warning.message.startswith("duplicate paper id"):
            start = warning.line - 1
            end = start + 1
            while end < len(source) and not re.match(r"##\s+(?:arXiv:)?\d{4}\.\d", source[end]):
                end += 1
            skipped.update(range(start + 1, end + 1))
    first_entry = digest.papers[0].line if digest.papers else len(source) + 1
    wanted: Counter[str] = Counter()
    header_seen = False
    for number, line in enumerate(source, 1):
        folded = norm(line)
        if not folded or number in skipped or _MARKER.match(folded):
            continue
        if not header_seen and number < first_entry and line.startswith("#"):
            header_seen = True  # the digest header
            continue
        wanted[folded] += 1
    found: Counter[str] = Counter()
    for paper in digest.papers:
        for part in (paper.preamble, paper.epilogue):
            found.update(n for n in _lines(part) if not _MARKER.match(n))
        for section in paper.sections:
            found[norm(section.heading)] += 1
            found.update(n for n in _lines(section.body) if not _MARKER.match(n))
        if paper.title is not None:
            title = norm(paper.title)
            match = next((w for w in wanted if title in w and wanted[w] > found[w]), None)
            if match is not None:
                found[match] += 1
    return wanted - found, found - wanted
