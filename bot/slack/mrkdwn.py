"""Convert a section body (CommonMark) to Slack mrkdwn, from markdown-it tokens.

Slack's mrkdwn is not Markdown: bold is ``*x*``, italic ``_x_``, strike ``~x~``, links are
``<url|label>``, there are no headings, no nested lists, and no backslash escapes. Walking the
token tree lets each construct be written in Slack's syntax while every piece of *text* is
escaped on its own, so ``&``/``<``/``>`` in text are neutralised and the ``<url|label>`` we
generate is not.

Three things about Korean text and Slack shape the output:

- Slack only honours a formatting marker at a word boundary, so ``*강화 학습*을`` stays plain: a
  zero-width space (:data:`~bot.core.cards.text.ZWSP`) is put between a marker and a letter or digit
  that touches it from outside, the same trick the slackify-markdown library applies.
- CommonMark itself refuses ``**"인용"**은`` and ``**마크다운(Markdown)**의``; the parser from
  :func:`~bot.core.cards.text.markdown_parser` fixes the flanking rule for CJK neighbours.
- Slack has no escape for ``*``, ``~`` or a backtick in text, so literal ones would pair with our
  markers (the real digests write ``**V* bench**``); they become look-alikes (∗ ∼ ˋ).
"""

from __future__ import annotations

import functools
from typing import Final

import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs: pip install types-regex
from markdown_it.tree import SyntaxTreeNode

from bot.core.cards.text import ZWSP, escape_slack, markdown_parser

__all__ = ["to_mrkdwn"]

#: Rendered bodies kept (a day is ~50 papers x 7 sections; a few days' worth, a few MB).
RENDER_CACHE_SIZE: Final = 2048
_MD: Final = markdown_parser()
_BULLETS: Final = ("•", "◦", "▪")  # by nesting depth, like Slack's own rich-text lists
_INDENT: Final = "    "
_MARKS: Final = {"strong": "*", "em": "_", "s": "~"}
_LOOKALIKES: Final = str.maketrans({"*": "∗", "~": "∼", "`": "ˋ"})
_BARE_URL = regex.compile(r"(?:https?|ftp)://[^\s<>\"\p{Script=Hangul}\p{Script=Han}]+")
_BR = regex.compile(r"<br\s*/?>", regex.I)
_LINK_SCHEMES: Final = ("http://", "https://", "ftp://", "mailto:")


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def to_mrkdwn(markdown: str) -> str:
    """Render CommonMark ``markdown`` as Slack mrkdwn (for a section block's text).

    Cached: a fan-out renders the same cards for every subscribed channel, and slash commands
    keep asking for the day's papers; rendering is most of a message's CPU, a lookup is not.
    """
    return _blocks(SyntaxTreeNode(_MD.parse(markdown)).children, 0, tight=False)


def _blocks(nodes: list[SyntaxTreeNode], depth: int, *, tight: bool) -> str:
    parts = (_block(node, depth) for node in nodes)
    return ("\n" if tight else "\n\n").join(part for part in parts if part)


def _block(node: SyntaxTreeNode, depth: int) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children[0])
    if kind == "heading":  # Slack has no headings: a bold line reads the same
        text = _inline(node.children[0], plain=True)
        return f"*{text}*" if text else ""
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, depth)
    if kind == "blockquote":
        inner = _blocks(node.children, depth, tight=False)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if kind in ("fence", "code_block"):
        return "```\n" + _code(node.content, block=True) + "```"
    if kind == "hr":
        return "───"
    if kind == "html_block":
        return _text(node.content.rstrip("\n"))
    return ""


def _list(node: SyntaxTreeNode, depth: int) -> str:
    tight = all(child.hidden for item in node.children for child in item.children[:1])
    start = int(str(node.attrs.get("start", 1)))
    items = []
    for i, item in enumerate(node.children):
        marker = f"{start + i}." if node.type == "ordered_list" else _BULLETS[min(depth, 2)]
        first, *rest = _blocks(item.children, depth + 1, tight=tight).split("\n")
        lines = [f"{marker} {first}".rstrip()] + [_INDENT + line if line else "" for line in rest]
        items.append("\n".join(lines))
    return ("\n" if tight else "\n\n").join(items)


def _inline(node: SyntaxTreeNode, *, plain: bool = False) -> str:
    """Render inline children; ``plain`` drops bold/italic/strike (inside a bold heading)."""
    pieces: list[tuple[str, str]] = []
    _walk(node.children, pieces, plain=plain, active=frozenset())
    out: list[str] = []
    for i, (kind, text) in enumerate(pieces):
        if kind == "open" and out and out[-1][-1:].isalnum():
            out.append(ZWSP)
        out.append(text)
        following = next((t for _, t in pieces[i + 1 :] if t), "")
        if kind == "close" and following[:1].isalnum():
            out.append(ZWSP)
    return "\n".join(line.strip(" \t") for line in "".join(out).strip(" \t\n").split("\n"))


def _walk(
    nodes: list[SyntaxTreeNode],
    out: list[tuple[str, str]],
    *,
    plain: bool,
    active: frozenset[str],
) -> None:
    """Flatten inline nodes into (kind, text) pieces; kind is ``open``, ``close`` or ``text``.

    Markers are kept apart from text so that the zero-width spaces can be decided once the
    neighbours are known. A span nested in one of its own kind (``<em><em>``, which CommonMark
    produces for ``**V* bench**``) emits no second marker, as Slack cannot nest them.
    """
    for node in nodes:
        kind = node.type
        if kind in _MARKS and not plain and kind not in active:
            out.append(("open", _MARKS[kind]))
            _walk(node.children, out, plain=plain, active=active | {kind})
            out.append(("close", _MARKS[kind]))
        elif kind in _MARKS:
            _walk(node.children, out, plain=plain, active=active)
        elif kind == "text":
            out.append(("text", _text(node.content)))
        elif kind in ("softbreak", "hardbreak"):
            out.append(("text", "\n"))
        elif kind == "code_inline":
            out.append(("text", "`" + _code(node.content, block=False) + "`"))
        elif kind in ("link", "image"):
            href = str(node.attrs.get("href" if kind == "link" else "src", ""))
            out.append(("text", _link(href, _plain_text(node))))
        elif kind == "html_inline":
            out.append(("text", "\n" if _BR.fullmatch(node.content) else _text(node.content)))


def _plain_text(node: SyntaxTreeNode) -> str:
    """All text under ``node``, without formatting (Slack link labels cannot hold any)."""
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(_plain_text(child) for child in node.children)


def _text(text: str) -> str:
    """Escape literal text; wrap bare URLs in ``<…>`` so no marker is glued onto them."""
    out, pos = [], 0
    for m in _BARE_URL.finditer(text):
        url = m[0].rstrip(".,;:!?'’”")
        while url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        out.append(escape_slack(text[pos : m.start()]).translate(_LOOKALIKES))
        out.append(f"<{_url(url)}>")
        pos = m.start() + len(url)
    out.append(escape_slack(text[pos:]).translate(_LOOKALIKES))
    return "".join(out)


def _url(url: str) -> str:
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def _link(href: str, label: str) -> str:
    """``<url|label>``; the label loses ``|`` (to ∣) since Slack splits on it."""
    if not href.startswith(_LINK_SCHEMES):
        return _text(label or href)
    shown = escape_slack(label).translate(_LOOKALIKES).replace("|", "∣").strip()
    if not shown or label in (href, href.removeprefix("mailto:")):
        return f"<{_url(href)}>"
    return f"<{_url(href)}|{shown}>"


def _code(text: str, *, block: bool) -> str:
    """Code keeps its characters, except the backticks that would end it early in Slack."""
    text = escape_slack(text).replace("```", "ˋˋˋ")
    return text if block else text.replace("`", "ˋ")
