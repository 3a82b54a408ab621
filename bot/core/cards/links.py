"""Masked links that pretend to go somewhere else show where they really go.

``[https://google.com](https://evil.example)`` renders, on Slack, Discord and in a terminal
alike, as a link reading "https://google.com" that opens evil.example. Digest text is
untrusted, so such a link is rewritten while parsing, before any renderer sees it: a link
(or image) whose text looks like an address and is not its own target gets its target as its
text. A label that is not an address (``[논문](https://arxiv.org/…)``) is left as written.

This is a markdown-it core rule, added by :func:`~bot.core.cards.text.markdown_parser`, so the three
renderers that share that parser cannot differ about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs: pip install types-regex
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["looks_like_address", "reveal_link_targets"]

#: Dots a browser reads as the dot of a host name (ASCII, ideographic, full- and half-width).
_DOT: Final = "[.\u3002\uff0e\uff61]"
#: A scheme (``https://``, ``mailto:``), ``www.``, or a host name ending in a letters-only
#: top-level label (``google.com``, ``구글.한국``); ``2505.19590`` and ``e.g.`` are not.
_ADDRESS: Final = regex.compile(
    rf"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bmailto:|\bwww{_DOT})"
    rf"|(?:[\p{{L}}\p{{N}}](?:[\p{{L}}\p{{N}}\-]*[\p{{L}}\p{{N}}])?{_DOT})+"
    r"\p{L}{2,63}(?![\p{L}\p{N}\-])"
)


def looks_like_address(text: str) -> bool:
    """Whether ``text`` contains something a reader would take for a web or mail address."""
    return _ADDRESS.search(text) is not None


def _honest(label: str, href: str, md: MarkdownIt) -> bool:
    """A label is honest unless it shows an address other than the target."""
    label = " ".join(label.split())
    if not label or not href or not looks_like_address(label):
        return True  # a link to nowhere opens nothing: its label may stay
    shown = {href, md.normalizeLinkText(href)}
    return label in shown or label in {s.removeprefix("mailto:") for s in shown}


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _label(tokens: Sequence[Token]) -> str:
    """The text a reader sees inside a link: text, code and image descriptions."""
    return "".join(t.content for t in tokens if t.type in ("text", "code_inline", "image"))


def _revealed(tokens: list[Token], md: MarkdownIt) -> Iterator[Token]:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "link_open":
            end = _closing(tokens, index)
            href = str(token.attrs.get("href", ""))
            if _honest(_label(tokens[index + 1 : end]), href, md):
                yield from tokens[index : end + 1]
            else:
                yield from (token, _text(href), tokens[end])
            index = end + 1
            continue
        if token.type == "image":
            src = str(token.attrs.get("src", ""))
            if not _honest(token.content, src, md):
                token.content, token.children = src, [_text(src)]
        yield token
        index += 1


def reveal_link_targets(state: StateCore) -> None:
    """Core rule (after ``inline``): give deceptive links their target as their text."""
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = list(_revealed(block.children, state.md))


def _closing(tokens: Sequence[Token], start: int) -> int:
    """Index of the ``link_close`` matching the ``link_open`` at ``start``.

    Links nest in markdown-it's tokens when a link's text holds an autolink
    (``[<https://x.y>](…)``): the first ``link_close`` would be the inner one, and rewriting
    up to it would leave a close without its open (markdown-it's tree then refuses the card).
    """
    depth = 0
    for index in range(start, len(tokens)):
        kind = tokens[index].type
        depth += (kind == "link_open") - (kind == "link_close")
        if depth == 0:
            return index
    return len(tokens) - 1
