"""Length-safe text for chat platforms: cut, split, count, neutralise, escape.

Every card renderer ends in the same three problems: a field has a hard length limit, the text
is Markdown written by an LLM (Korean, emoji, links, code), and the text must never ping anyone.
They are solved once here, platform-neutral (no chat library is imported), so that the Discord
and Slack renderers only decide *which* limit and *which* escaping apply.

Where a cut may fall is decided on the raw text with a light scanner: the structure that must
not be broken (links, autolinks, code spans, entities, backslash escapes, fenced code) is found
by position, which a Markdown parser's token stream cannot give. Converting Markdown, on the
other hand, always goes through :func:`markdown_parser` tokens, never through substitution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs: pip install types-regex
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, StateInline

from bot.core.cards.links import reveal_link_targets

__all__ = [
    "ZWSP",
    "Cut",
    "Length",
    "cut",
    "escape_slack",
    "markdown_parser",
    "neutralise_discord",
    "split",
    "utf16_len",
]

Length = Callable[[str], int]
"""How a platform counts a string: ``len`` (code points) or :func:`utf16_len`."""

ZWSP: Final = "\u200b"
"""Zero-width space: invisible, not whitespace to any parser, but it ends a word."""

_GRAPHEME = regex.compile(r"\X")
_FENCE_OPEN = regex.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*", regex.M)
_BACKTICKS = regex.compile(r"(?<!\\)`+")
_SPANS = (  # never cut strictly inside these
    regex.compile(
        r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)"
    ),
    regex.compile(r"<[^<>\s][^<>\n]*>"),  # autolinks <https://…>, Slack <url|label>, <@U…>
    regex.compile(r"(?:https?|ftp)://[^\s<>]+"),  # a bare URL cut short would still be linked
    regex.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"),  # &amp; from escaping
    regex.compile(r"\\[!-/:-@\[-`{-~]"),  # a backslash escape and the character it escapes
    regex.compile(r"\*{2,}|_{2,}|~{2,}|`{2,}"),  # half a `**` is a different marker
)
_MARKERS = regex.compile(r"(?<!\\)(?:\*+|_+|~+)")
# Emphasis cannot continue across a blank line or into a new block (list item, heading, quote).
_BLOCK_START = regex.compile(
    r"^(?:[ \t]*$|[ \t]*(?:[-+*•◦▪]|\d{1,9}[.)])[ \t]|[ \t]{0,3}[#>])", regex.M
)
_SENTENCE = regex.compile(r"(?:[.?!]+[)\]\"'’”」』*_~]*(?=\s|$)|[。！？][)\]\"'’”」』]*)")
_PARAGRAPH = regex.compile(r"\n[ \t]*\n")
_KINDS: Final = {  # pattern, and whether the break is after the match (else before it)
    "paragraph": (_PARAGRAPH, False),
    "line": (regex.compile(r"\n"), False),
    "sentence": (_SENTENCE, True),
    "word": (regex.compile(r"\s"), False),
}
_CJK = regex.compile(r"[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]")


@dataclass(frozen=True, slots=True)
class Cut:
    """The result of :func:`cut`: the text to send and whether anything was dropped."""

    text: str
    was_cut: bool


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: an emoji outside the BMP counts 2, Hangul counts 1.

    Discord's API counts code points (its staff: "Our API uses Python 3 … based on the number
    of codepoints", discord-api-docs#1315), but JavaScript clients and libraries count UTF-16
    units, and the documentation only says "characters". UTF-16 length is never smaller than the
    code-point count, so using it for Discord limits is the conservative choice, and it costs
    nothing for Korean text, which is all in the Basic Multilingual Plane.
    """
    return len(text.encode("utf-16-le")) // 2


_MASS_MENTION = regex.compile(r"@(?=everyone|here)", regex.I)
_ID_MENTION = regex.compile(r"<(@[!&]?|#)(?=\d)")


def neutralise_discord(text: str) -> str:
    """Make ``@everyone``, ``@here`` and ``<@…>``/``<@!…>``/``<@&…>``/``<#…>`` inert.

    A zero-width space after the ``@`` (or ``#``) keeps the text readable but no longer matches
    Discord's mention syntax. Cards are also sent with ``allowed_mentions`` none; this is the
    second line of defence for a summary that quotes a mention. Idempotent.
    """
    text = _MASS_MENTION.sub("@" + ZWSP, text)
    return str(_ID_MENTION.sub("<\\1" + ZWSP, text))


def escape_slack(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` the way Slack requires for literal text.

    This also turns ``<!channel>``, ``<!here>`` and ``<@U…>`` into plain text. Apply it to text
    only, never to the ``<url|label>`` syntax a renderer generates around it.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cjk_emphasis(state: StateInline, silent: bool) -> bool:
    """Scan ``*`` runs like markdown-it, but let Korean/CJK letters count as punctuation.

    CommonMark rejects ``**"인용"**은`` and ``**마크다운(Markdown)**의``: a closing run preceded
    by punctuation must be followed by whitespace or punctuation, and Korean particles attach to
    the word with no space. Treating a CJK neighbour like punctuation changes the verdict only
    when one side is punctuation and the other CJK, which is exactly this case; a run between two
    letters stays both-flanking as before. Only ``*`` is changed: intraword ``_`` stays literal.
    """
    start = state.pos
    if silent or state.src[start] != "*":
        return False
    scanned = state.scanDelims(start, True)
    end = start + scanned.length
    last = state.src[start - 1] if start > 0 else " "
    nxt = state.src[end] if end < state.posMax else " "
    last_ws, next_ws = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
    last_p = isMdAsciiPunct(ord(last)) or isPunctChar(last) or bool(_CJK.match(last))
    next_p = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt) or bool(_CJK.match(nxt))
    can_open = not (next_ws or (next_p and not (last_ws or last_p)))
    can_close = not (last_ws or (last_p and not (next_ws or next_p)))
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = "*"
        state.delimiters.append(
            Delimiter(
                marker=ord("*"),
                length=scanned.length,
                token=len(state.tokens) - 1,
                end=-1,
                open=can_open,
                close=can_close,
            )
        )
    state.pos = end
    return True


def markdown_parser() -> MarkdownIt:
    """CommonMark plus ``~~strikethrough~~``, with emphasis flanking fixed for Korean.

    Links whose text is an address other than their target get their target as their text
    (:mod:`bot.core.cards.links`): every renderer then shows where a link really goes.
    """
    md = MarkdownIt("commonmark").enable("strikethrough")
    md.inline.ruler.before("emphasis", "cjk_emphasis", _cjk_emphasis)
    md.core.ruler.after("inline", "reveal_link_targets", reveal_link_targets)
    return md


@dataclass(frozen=True, slots=True)
class _Fence:
    start: int  # first character of the opening line
    body: int  # first character after the opening line
    end: int  # after the closing line, or len(text)
    marker: str


class _Layout:
    """Where ``text`` may be broken: grapheme boundaries, protected spans, fences, markers."""

    def __init__(self, text: str) -> None:
        self.text = text
        n = len(text)
        self.boundary = [False] * (n + 1)
        self.boundary[0] = True
        for m in _GRAPHEME.finditer(text):
            self.boundary[m.end()] = True
        self.fences = list(self._find_fences())
        self.in_fence = [False] * (n + 1)
        for f in self.fences:
            self.in_fence[f.start : f.end] = [True] * (f.end - f.start)
        self.blocked = [False] * (n + 1)
        for a, b in self._code_spans():
            self.blocked[a + 1 : b] = [True] * (b - a - 1)
        for pattern in _SPANS:
            for m in pattern.finditer(text):
                if not self.in_fence[m.start()]:
                    self.blocked[m.start() + 1 : m.end()] = [True] * (len(m[0]) - 1)

    def _find_fences(self) -> Iterator[_Fence]:
        pos = 0
        while m := _FENCE_OPEN.search(self.text, pos):
            marker, body = m[1], min(m.end() + 1, len(self.text))
            close = regex.compile(rf"^[ \t]{{0,3}}{marker[0]}{{{len(marker)},}}[ \t]*$", regex.M)
            c = close.search(self.text, body)
            end = c.end() if c else len(self.text)
            yield _Fence(m.start(), body, end, marker)
            pos = max(end, m.end())

    def _code_spans(self) -> Iterator[tuple[int, int]]:
        runs = [m for m in _BACKTICKS.finditer(self.text) if not self.in_fence[m.start()]]
        i = 0
        while i < len(runs):
            opener = runs[i]
            closer = next(
                (j for j in range(i + 1, len(runs)) if len(runs[j][0]) == len(opener[0])), None
            )
            between = self.text[opener.end() : runs[closer].start()] if closer is not None else ""
            if closer is None or _PARAGRAPH.search(between):
                i += 1
                continue
            yield opener.start(), runs[closer].end()
            i = closer + 1

    def ok(self, p: int, *, fences: bool = True) -> bool:
        """Whether a break at ``p`` splits no grapheme, span, marker (and fence if asked)."""
        return self.boundary[p] and not self.blocked[p] and not (fences and self.in_fence[p])

    def end(self, a: int, b: int) -> int:
        """The end of ``text[a:b]`` without trailing whitespace, never inside a grapheme."""
        e = a + len(self.text[a:b].rstrip())
        while not self.boundary[e]:  # a prepended mark can own the space after it
            e += 1
        return e

    @cached_property
    def pairs(self) -> list[tuple[str, int, int, int]]:
        """Matched emphasis runs, by opener: (run, opener start, opener end, closer start).

        A simplified CommonMark: a run opens when no space follows, closes when no space
        precedes, ``_`` inside a word does neither, and nothing spans a block boundary. Only
        pairs matter: an unmatched run is a literal asterisk, not something a cut left open.
        """
        text = self.text
        resets = {m.start() for m in _BLOCK_START.finditer(text)} | {f.start for f in self.fences}
        runs = [(m.start(), m[0]) for m in _MARKERS.finditer(text) if self.ok(m.start())]
        stack: list[tuple[str, int, int]] = []
        pairs = []
        for pos, run in sorted([(p, "") for p in resets] + runs):
            end = pos + len(run)
            before = text[pos - 1] if pos else " "
            after = text[end] if end < len(text) else " "
            if not run or (run[0] == "_" and before.isalnum() and after.isalnum()):
                stack = [] if not run else stack
                continue
            match = [i for i, (r, _, _) in enumerate(stack) if r == run]
            if match and not before.isspace():
                pairs.append((run, stack[match[-1]][1], stack[match[-1]][2], pos))
                del stack[match[-1] :]
            elif not after.isspace():
                stack.append((run, pos, end))
        return sorted(pairs, key=lambda pair: pair[1])

    def finish(self, q: int) -> tuple[int, str]:
        """Where a cut at ``q`` really ends, and what closes the Markdown it leaves open.

        Emphasis that the cut goes through is closed, or dropped when nothing is left inside
        (``…**`` becomes ``…``); an open code fence gets its closing fence on its own line.
        """
        for f in self.fences:
            if f.start < q < f.end:
                if not self.text[f.body : q].strip():  # nothing inside yet: drop the fence line
                    return self.finish(self.end(0, f.start))
                return q, "\n" + f.marker + "\n"
        while True:
            cut_through = [p for p in self.pairs if p[2] <= q <= p[3]]  # in nesting order
            if cut_through and not self.text[cut_through[-1][2] : q].strip():
                q = self.end(0, cut_through[-1][1])
                continue
            return q, "".join(run for run, _, _, _ in reversed(cut_through))


def _candidates(layout: _Layout, kind: str, lo: int, hi: int) -> list[int]:
    """Break positions of one kind in ``(lo, hi]``, latest first (not yet checked by ``ok``)."""
    if kind == "grapheme":
        return list(range(hi, lo, -1))
    pattern, at_end = _KINDS[kind]
    found = []
    for m in pattern.finditer(layout.text, lo):
        p = m.end() if at_end else m.start()
        if m.start() > hi:
            break
        if lo < p <= hi:
            found.append(p)
    return found[::-1]


def _longest(text: str, lo: int, limit: int, measure: Length) -> int:
    """The largest ``p >= lo`` with ``measure(text[lo:p]) <= limit`` (``measure`` is monotone)."""
    a, b = lo, len(text)
    while a < b:
        mid = (a + b + 1) // 2
        a, b = (mid, b) if measure(text[lo:mid]) <= limit else (a, mid - 1)
    return a


def cut(text: str, limit: int, *, length: Length = len, ellipsis: str = "…") -> Cut:
    """Shorten ``text`` to fit ``limit`` at the most natural break, with an ellipsis.

    The result is the longest prefix ending at a sentence end (``다.``, ``요.``, ``?``, ``!``,
    ``。``) or a line end, else at a space, else between two graphemes, followed by whatever
    closes the Markdown left open and ``ellipsis``; ``length(result) <= limit`` always. It
    never ends inside a link, autolink, code span, entity, escape or grapheme cluster (an
    emoji ZWJ sequence or a syllable built from jamo stays whole).

    Trailing whitespace is stripped before the ellipsis because it costs characters for
    nothing, because a closing ``**`` after a space no longer closes, and because a line break
    before the ellipsis would leave it alone on a line. Dangling ``**``/``*``/``_``/``~~``
    openers are closed (or dropped when nothing follows them) so that the platform does not
    print stray asterisks or bold everything after the card's field.

    Args:
        text: Markdown or platform markup (mrkdwn, Discord Markdown) to shorten.
        limit: The maximum ``length`` of the result.
        length: How the platform counts, e.g. ``len`` or :func:`utf16_len`.
        ellipsis: Appended when something was dropped.
    """
    if length(text) <= limit:
        return Cut(text, False)
    if length(ellipsis) > limit:
        return Cut("", True)
    layout = _Layout(text)
    hi = _longest(text, 0, limit - length(ellipsis), lambda s: length(s.rstrip()))
    for kinds in (("sentence", "line"), ("word",), ("grapheme",)):
        candidates = sorted({p for k in kinds for p in _candidates(layout, k, 0, hi)}, reverse=True)
        for p in candidates:
            if not layout.ok(p, fences=False) or not text[:p].strip():
                continue
            q, closers = layout.finish(p)
            result = text[: layout.end(0, q)] + closers + ellipsis
            if q > 0 and length(result) <= limit:
                return Cut(result, True)
    return Cut(ellipsis, True)


def split(text: str, limit: int, *, length: Length = len) -> list[str]:
    """Split ``text`` into chunks of at most ``limit``, at the most natural breaks.

    Breaks are sought at a paragraph (blank line), then a line, a sentence, a space, outside
    fenced code blocks; then at a line or space inside them; then between graphemes. Only the
    whitespace at each break is dropped (a line's indentation is kept), so joining the chunks
    loses no other character. A single grapheme longer than ``limit`` is the one case where a
    grapheme is broken: the alternative would be a chunk the platform rejects.

    Returns:
        The chunks, in order; ``[]`` when ``text`` is only whitespace.

    Raises:
        ValueError: ``limit`` is smaller than 1, or than a single code point of ``text``.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    layout, pos, chunks = _Layout(text), 0, list[str]()
    tiers = [(k, True) for k in ("paragraph", "line", "sentence", "word")]
    tiers += [("line", False), ("word", False), ("grapheme", False)]
    while True:
        start, lead = pos, len(text[pos:]) - len(text[pos:].lstrip())
        newline = text.rfind("\n", pos, pos + lead)
        pos = newline + 1 if newline >= 0 else (pos + lead if pos else 0)  # keep indentation
        while pos > start and not layout.boundary[pos]:  # a mark on a space keeps its space
            pos -= 1
        rest = text[pos : layout.end(pos, len(text))]
        if not rest:
            return chunks
        if length(rest) <= limit:
            return [*chunks, rest]
        hi = _longest(text, pos, limit, lambda s: length(s.rstrip()))
        best = next(
            (
                p
                for kind, fences in tiers
                for p in _candidates(layout, kind, pos, hi)
                if layout.ok(p, fences=fences) and text[pos:p].strip()
            ),
            None,
        )
        if best is None:  # one grapheme longer than the limit: break it between code points
            pos += len(text[pos:]) - len(text[pos:].lstrip())
            best = _longest(text, pos, limit, length)
            if best == pos:
                raise ValueError(f"limit {limit} is too small for {text[pos]!r}")
            chunks.append(text[pos:best])
        else:
            chunks.append(text[pos : layout.end(pos, best)])
        pos = best
