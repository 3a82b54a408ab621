"""Public entry points: bytes or text or a path in, :class:`~digest_parser.models.Digest` out.

Decoding rules: UTF-8 with or without BOM, CRLF/CR/LF line endings. Undecodable or binary
input, and text with neither a header nor a single entry, is not a digest and raises
:class:`DigestParseError`; everything else parses, with warnings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Final

from .entry import parse_summary
from .errors import DigestParseError
from .models import Digest, Paper, ParseWarning
from .scanner import EntrySpan, is_link, link_url, scan

__all__ = ["parse_digest", "parse_digest_bytes", "parse_digest_file"]

_SUMMARY_MARKER: Final = re.compile(r"\**\s*Summary\s*\**\s*:?\s*\**\s*:?\s*$", re.I)
_SEPARATOR: Final = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FILE_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ID_IN_URL: Final = re.compile(r"(\d{4}\.\d{4,5})")


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _date_from_source(source: str | None) -> dt.date | None:
    if not source:
        return None
    match = _FILE_DATE.search(Path(source).name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _entry(lines: list[str], span: EntrySpan, warnings: list[ParseWarning]) -> Paper:
    """Peel the id, link, marker and separator lines off an entry and parse its summary."""
    paper = span.arxiv_id
    start, end = span.start + 1, span.end
    while end > start and not lines[end - 1].strip():
        end -= 1
    if end > start and _SEPARATOR.match(lines[end - 1]):
        end -= 1
    while start < end and not lines[start].strip():
        start += 1
    url: str | None = None
    if start < end and is_link(lines[start]):
        url = link_url(lines[start])
        found = _ID_IN_URL.search(url or "")
        if url is None or (found is not None and found.group(1) != paper) or found is None:
            warnings.append(
                ParseWarning(
                    line=start + 1,
                    paper=paper,
                    message=f"link {lines[start].strip()!r} does not match the id {paper}",
                )
            )
        start += 1
    else:
        warnings.append(ParseWarning(line=span.start + 1, paper=paper, message="missing link"))
    while start < end and not lines[start].strip():
        start += 1
    if start < end and _SUMMARY_MARKER.match(lines[start].strip()):
        start += 1
    parts = parse_summary(lines[start:end], start + 1, paper)
    warnings.extend(parts.warnings)
    return Paper(
        arxiv_id=paper,
        url=url,
        title=parts.title,
        line=span.start + 1,
        preamble=parts.preamble,
        sections=tuple(parts.sections),
        epilogue=parts.epilogue,
        missing=tuple(parts.missing),
        raw="\n".join(lines[span.start : span.end]),
    )


def parse_digest(text: str, *, source: str | None = None) -> Digest:
    """Parse a digest's text.

    Args:
        text: The whole file as text (any line endings; a leading BOM is ignored).
        source: File name or label, used in warnings and as a fallback for the date.

    Raises:
        DigestParseError: The text is empty, binary, or holds no digest header and no entry.
    """
    return _parse_lines(_split(text, source), source)


def _split(text: str, source: str | None) -> list[str]:
    """The text's lines, once it is known to be text at all.

    Apart from :func:`_parse_lines` so that :func:`parse_digest_bytes` can let the decoded
    text go before the papers are built: it weighs about as much as the lines themselves.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DigestParseError("empty input: no digest here", source=source)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DigestParseError(
            "binary data (NUL byte): not a Markdown digest", source=source, line=line
        )
    return _normalise_newlines(text).split("\n")


def _parse_lines(lines: list[str], source: str | None) -> Digest:
    layout = scan(lines)
    warnings = list(layout.warnings)
    if not layout.entries and layout.header_line is None:
        raise DigestParseError(
            "not a digest: no '# … Daily Papers – YYYY-MM-DD' header and no '## <arXiv id>' entry",
            source=source,
        )
    date = layout.date
    if date is None:
        date = _date_from_source(source)
        where = layout.header_line + 1 if layout.header_line is not None else 1
        if layout.header_line is None:
            warnings.append(ParseWarning(line=1, message="the digest header is missing"))
        if date is not None:
            warnings.append(
                ParseWarning(line=where, message=f"date {date} taken from the file name")
            )
    if not layout.entries:
        warnings.append(ParseWarning(line=1, message="no paper entries ('## <arXiv id>' lines)"))
    papers: list[Paper] = []
    first_seen: dict[str, int] = {}
    for span in layout.entries:
        if span.arxiv_id in first_seen:
            warnings.append(
                ParseWarning(
                    line=span.start + 1,
                    paper=span.arxiv_id,
                    message=f"duplicate paper id (first at line {first_seen[span.arxiv_id]}); "
                    "this entry is skipped",
                )
            )
            continue
        first_seen[span.arxiv_id] = span.start + 1
        papers.append(_entry(lines, span, warnings))
    warnings.sort(key=lambda w: w.line)
    return Digest(date=date, source=source, papers=tuple(papers), warnings=tuple(warnings))


def parse_digest_bytes(data: bytes, *, source: str | None = None) -> Digest:
    """Decode UTF-8 (BOM optional) and parse.

    Raises:
        DigestParseError: Invalid UTF-8 (naming the byte offset), or as :func:`parse_digest`.
    """
    # No name holds the decoded text, so it is freed once split, before the papers are built:
    # a fifth of the parse's peak on a 10,000-paper digest (365 -> 299 MB, benchmarks/memory.py).
    return _parse_lines(_split(_decode(data, source), source), source)


def _decode(data: bytes, source: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise DigestParseError(
            f"invalid UTF-8 at byte offset {offset}: not a text digest",
            source=source,
            line=line,
            byte_offset=offset,
        ) from None


def parse_digest_file(path: str | Path) -> Digest:
    """Read and parse a digest file.

    Raises:
        DigestParseError: As :func:`parse_digest_bytes`.
        OSError: The file cannot be read.
    """
    path = Path(path)
    return parse_digest_bytes(path.read_bytes(), source=str(path))
