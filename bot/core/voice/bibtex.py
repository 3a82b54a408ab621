"""Saved papers as a BibTeX file, for Zotero, JabRef or a LaTeX bibliography.

Researchers keep their reading in a reference manager, not in a chat: a ``.bib`` export is
the one format every one of them imports. Each paper becomes an ``@misc`` entry with
``eprint`` and ``archivePrefix = {arXiv}``, the shape arXiv's own "Export BibTeX citation"
gives, which biblatex, natbib styles and the reference managers all recognise as an arXiv
preprint.

Titles and author names come from chat and from arXiv as plain text, so every value is
escaped to print exactly as typed: the LaTeX specials ``\\ { } & % $ # _ ~ ^`` become
their text commands, LaTeX's input ligatures (``--``, two backquotes, ``''``, ``<<``, ...)
are broken with ``{}``, and braces are written as ``\\textbraceleft{}`` /
``\\textbraceright{}`` rather than ``\\{`` ``\\}``, because BibTeX counts braces without
looking at backslashes: an unbalanced ``\\{`` would end the field early and break every
entry after it. Non-ASCII text (Hangul, accents) stays UTF-8, which biber, Zotero and
JabRef read as is. Whitespace runs and newlines become one space; control characters go.

``url`` is the exception: biblatex, Zotero and JabRef read it verbatim, so a LaTeX escape
would end up inside the link. It is written as given, with the characters that may not
appear in a URL at all (space, ``" < > \\ ^ ` { | }``) percent-encoded, which keeps both
the link and the braces of the file intact.

No papers give an empty string: a ``.bib`` file with no entries is empty, not a newline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["BibEntry", "bibtex"]

ARXIV_ABS = "https://arxiv.org/abs/"

# Text commands rather than `\{`, `\^{}` or `\~{}`: see the module docstring for braces;
# `\^{}` and `\~{}` are accents over nothing, which some converters drop.
_LATEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

# Pairs LaTeX turns into one glyph (en/em dash, curly quotes, inverted ! and ?, and with
# T1 fonts guillemets and a low quote). `{}` between the two keeps the typed characters.
_LIGATURES = frozenset({"--", "``", "''", "!`", "?`", "<<", ">>", ",,"})

# What a citation key may hold: BibTeX itself refuses only whitespace, `,` and braces, but
# biber also refuses `" # % ' ( ) = ~`, and `\cite` chokes on others; these five kinds are
# safe everywhere (DBLP and ADS keys use the same).
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9:_.\-]")

# ASCII characters RFC 3986 allows nowhere in a URI; percent-encoded in `url`.
_URL_UNSAFE = frozenset(' "<>\\^`{|}')

# New-style identifiers (April 2007 on): YYMM.NNNN or YYMM.NNNNN, optional version.
_NEW_ID = re.compile(r"(\d\d)(\d\d)\.\d{4,5}(?:v\d+)?")
# Old-style identifiers (1991 to March 2007): archive[.SC]/YYMMNNN, optional version.
_OLD_ID = re.compile(r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/(\d\d)(\d\d)\d{3}(?:v\d+)?")


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One saved paper, as much of it as a citation needs."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    url: str | None = None  # None: the arXiv abstract page, https://arxiv.org/abs/<id>


def bibtex(entries: Sequence[BibEntry]) -> str:
    """The papers as BibTeX text: one ``@misc`` per arXiv id, first occurrence kept, in order.

    Entries are separated by a blank line and the text ends in a newline; no entries give
    ``""``. Keys are ``arXiv:<id>`` with anything outside ``A-Z a-z 0-9 : _ . -`` made ``_``,
    and a ``-2``, ``-3`` ... suffix when two ids would still share a key (BibTeX compares
    keys ignoring case).
    """
    seen_ids: set[str] = set()
    used_keys: set[str] = set()
    blocks: list[str] = []
    for entry in entries:
        arxiv_id = _clean(entry.arxiv_id)
        if arxiv_id in seen_ids:
            continue
        seen_ids.add(arxiv_id)
        key = _unique_key(arxiv_id, used_keys)
        blocks.append(_entry_text(key, arxiv_id, entry))
    if not blocks:
        return ""
    return "\n\n".join(blocks) + "\n"


def _entry_text(key: str, arxiv_id: str, entry: BibEntry) -> str:
    fields: list[tuple[str, str]] = [("title", "{" + _latex(_clean(entry.title)) + "}")]
    names = [_author(name) for name in (_clean(a) for a in entry.authors) if name]
    if names:
        fields.append(("author", " and ".join(names)))
    year = entry.year if entry.year is not None else _year_of(arxiv_id)
    if year is not None:
        fields.append(("year", str(year)))
    fields.append(("eprint", _latex(arxiv_id)))
    fields.append(("archivePrefix", "arXiv"))
    url = entry.url if entry.url is not None else ARXIV_ABS + arxiv_id
    fields.append(("url", _url(url)))
    lines = [f"@misc{{{key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    """Control characters (and lone surrogates) dropped, whitespace runs made one space."""
    kept = "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())


def _latex(text: str) -> str:
    """Plain text as LaTeX that prints the same characters and keeps BibTeX's braces balanced."""
    out: list[str] = []
    previous = ""
    for ch in text:
        if previous + ch in _LIGATURES:
            out.append("{}")
        out.append(_LATEX_ESCAPES.get(ch, ch))
        previous = ch
    return "".join(out)


def _author(name: str) -> str:
    """One name for the `and`-separated list; braced whole when BibTeX would misread it.

    A name holding the word "and" would be split in two, a bare "others" would print as
    "et al.", and more than two commas is a BibTeX error; inside braces it is one literal
    name (sorted as written, which is the best that can be done for it).
    """
    words = name.casefold().split()
    if "and" in words or words == ["others"] or name.count(",") > 2:
        return "{" + _latex(name) + "}"
    return _latex(name)


def _year_of(arxiv_id: str) -> int | None:
    """The year an arXiv identifier was issued in, when its shape tells it."""
    if match := _NEW_ID.fullmatch(arxiv_id):
        yy, mm = int(match[1]), int(match[2])
        return 2000 + yy if 1 <= mm <= 12 and (yy, mm) >= (7, 4) else None
    if match := _OLD_ID.fullmatch(arxiv_id):
        yy, mm = int(match[1]), int(match[2])
        if not 1 <= mm <= 12:
            return None
        return 1900 + yy if yy >= 91 else 2000 + yy if (yy, mm) <= (7, 3) else None
    return None


def _url(url: str) -> str:
    """The link as written, with the characters no URL may hold percent-encoded."""
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode()) if ch in _URL_UNSAFE else ch
        for ch in _clean(url)
    )


def _unique_key(arxiv_id: str, used: set[str]) -> str:
    safe = _KEY_UNSAFE.sub("_", arxiv_id)
    base = f"arXiv:{safe}" if safe else "arXiv"
    key, n = base, 1
    while key.casefold() in used:
        n += 1
        key = f"{base}-{n}"
    used.add(key.casefold())
    return key
