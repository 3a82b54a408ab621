"""Make a section body (CommonMark) safe and readable as Discord Markdown.

Discord renders most Markdown itself, so this is a re-serialisation from markdown-it tokens
rather than a translation: the same bold, italics, lists and code come out, with the few
things Discord does not do rewritten. Headings are not rendered inside embed field values
(and Discord only knows ``#`` to ``###``), so they become bold lines when asked; reference-style
links become inline ``[label](url)`` (their definitions are consumed by the parser), and a
link whose text is its own address becomes ``<url>``: the parser has already replaced the text
of a link that shows another address than its target (:mod:`bot.core.cards.links`). Raw HTML is
shown as the literal text it is, except ``<br>``, which becomes a line break.

Text is re-escaped with backslashes, because the parser unescaped it and Discord would read a
literal ``*`` or ``||`` as formatting. Discord's own parser does not apply CommonMark's
flanking rules, so ``**"인용"**은`` renders bold as written; the parser from
:func:`~bot.core.cards.text.markdown_parser` reads it as bold too, so it is written back as bold
instead of as escaped asterisks. Finally every mention is neutralised.
"""

from __future__ import annotations

from typing import Final

import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs: pip install types-regex
from markdown_it.tree import SyntaxTreeNode

from bot.core.cards.text import markdown_parser, neutralise_discord

__all__ = ["to_discord"]

_MD: Final = markdown_parser()
_MARKS: Final = {"strong": "**", "em": "*", "s": "~~"}
_ESCAPE = regex.compile(r"([\\*_~`|\[\]])")
_LINE_START = regex.compile(r"^(?:(#{1,6}|>|[-+])|(\d{1,9})([.)]))(?=\s|$)")
_BR = regex.compile(r"<br\s*/?>", regex.I)
_BARE_URL = regex.compile(r"((?:https?|ftp)://[^\s<>]+)")


def to_discord(markdown: str, *, headings: bool) -> str:
    """Render CommonMark ``markdown`` as Discord Markdown with mentions neutralised.

    Args:
        markdown: A section body.
        headings: Whether ``#`` headings may be kept (message content, embed description);
            pass False for embed field values, where Discord shows the ``#`` literally.
    """
    root = SyntaxTreeNode(_MD.parse(markdown))
    return neutralise_discord(_blocks(root.children, headings=headings, tight=False))


def _blocks(nodes: list[SyntaxTreeNode], *, headings: bool, tight: bool) -> str:
    parts = (_block(node, headings=headings) for node in nodes)
    return ("\n" if tight else "\n\n").join(part for part in parts if part)


def _block(node: SyntaxTreeNode, *, headings: bool) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children[0])
    if kind == "heading":
        level = int(node.tag[1])
        if headings and level <= 3:
            return "#" * level + " " + _inline(node.children[0])
        text = _inline(node.children[0], plain=True)
        return f"**{text}**" if text else ""
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, headings=headings)
    if kind == "blockquote":
        inner = _blocks(node.children, headings=headings, tight=False)
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
    if kind in ("fence", "code_block"):
        info = node.info.split()[0] if node.info.strip() else ""
        return f"```{info}\n" + node.content.replace("```", "ˋˋˋ") + "```"
    if kind == "hr":
        return "───"
    if kind == "html_block":
        return _escape(node.content.rstrip("\n"))
    return ""


def _list(node: SyntaxTreeNode, *, headings: bool) -> str:
    tight = all(child.hidden for item in node.children for child in item.children[:1])
    start = int(str(node.attrs.get("start", 1)))
    items = []
    for i, item in enumerate(node.children):
        marker = f"{start + i}." if node.type == "ordered_list" else "-"
        body = _blocks(item.children, headings=False, tight=tight)
        first, *rest = body.split("\n")
        pad = " " * (len(marker) + 1)  # continuation lines align under the item's text
        items.append(
            "\n".join([f"{marker} {first}".rstrip()] + [pad + r if r else "" for r in rest])
        )
    return ("\n" if tight else "\n\n").join(items)


def _inline(node: SyntaxTreeNode, *, plain: bool = False) -> str:
    """Render inline children; ``plain`` drops bold/italic/strike (inside a bold heading)."""
    out: list[str] = []
    _walk(node.children, out, plain=plain, active=frozenset())
    return "\n".join(line.strip(" \t") for line in "".join(out).strip(" \t\n").split("\n"))


def _walk(
    nodes: list[SyntaxTreeNode], out: list[str], *, plain: bool, active: frozenset[str]
) -> None:
    for node in nodes:
        kind = node.type
        if kind in _MARKS and not plain and kind not in active:
            out.append(_MARKS[kind])
            _walk(node.children, out, plain=plain, active=active | {kind})
            out.append(_MARKS[kind])
        elif kind in _MARKS:  # no nesting a span in its own kind (``<em><em>`` from ``**V* b**``)
            _walk(node.children, out, plain=plain, active=active)
        elif kind == "text":
            at_line_start = not out or out[-1].endswith("\n")
            out.append(_escape(node.content, line_start=at_line_start))
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "code_inline":
            out.append(_code_span(node.content))
        elif kind == "link" and node.markup == "autolink":  # <https://…> also hides the preview
            href = str(node.attrs["href"])
            out.append(f"<{href}>" if href.startswith("http") else _escape(_text_of(node)))
        elif kind in ("link", "image"):
            href = str(node.attrs.get("href" if kind == "link" else "src", ""))
            label: list[str] = []
            _walk(node.children, label, plain=plain, active=active)
            url = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            if not url:
                out.extend(label)
            elif not label or _text_of(node) == href:  # a label that is the address: show it
                out.append(f"<{url}>")
            else:
                out.append(f"[{''.join(label)}]({url})")
        elif kind == "html_inline":
            out.append("\n" if _BR.fullmatch(node.content) else _escape(node.content))


def _text_of(node: SyntaxTreeNode) -> str:
    return node.content if node.type == "text" else "".join(map(_text_of, node.children))


def _escape(text: str, *, line_start: bool = False) -> str:
    """Backslash-escape what Discord would read as formatting (it honours ``\\`` + any symbol).

    Bare URLs are left alone: Discord links them first, backslashes included.
    """
    parts = _BARE_URL.split(text)  # the pattern has one group: odd items are URLs
    text = "".join(p if i % 2 else _ESCAPE.sub(r"\\\1", p) for i, p in enumerate(parts))
    if line_start and (m := _LINE_START.match(text)):
        text = (f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}") + text[m.end() :]
    return text


def _code_span(code: str) -> str:
    """A code span whose fence is longer than any backtick run inside it."""
    longest = max((len(run) for run in regex.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"
