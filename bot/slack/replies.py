"""Answers as Slack messages: what each command and click replies, in Block Kit.

:func:`render_reply` turns a :class:`~bot.core.answers.query.Query` and the archive's answer
into a :class:`Reply`: one message, or several when a whole section is longer than one message may
be. Ephemeral replies (``shared_by=None``) carry the controls: "Post to channel", Prev/Next,
"Open…"; the shared copy posted to the channel carries none of those (a pager in a channel
would page everyone's copy) and says who shared it. Every reply stays within the limits in
:mod:`bot.slack.limits`, which the tests check on every real digest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Final

from bot.core.answers.paper_answers import COMMANDS, CardAnswer, SectionAnswer
from bot.core.answers.query import SLASH_NAMES, Answer, Command, Query, pinned
from bot.core.archive.lookup import (
    DigestSummary,
    NotFound,
    NotFoundKind,
    SearchHit,
    SearchResults,
    SectionPage,
)
from bot.core.cards.card import DigestHeaderCard, section_hint
from bot.core.cards.fitting import fit_all
from bot.core.cards.text import cut, escape_slack, split
from bot.slack.components import (
    link,
    literal,
    marked,
    open_select,
    pager,
    query_value,
    share_button,
)

from .limits import CARD_TOTAL_MAX, HEADER_TEXT_MAX, SECTION_TEXT_MAX
from .marker import share_metadata
from .mrkdwn import to_mrkdwn
from .render import Block, actions_block, card_blocks, mrkdwn_text, plain_text, section_messages

__all__ = [
    "DIGEST_PER_PAGE",
    "Reply",
    "help_reply",
    "not_found_reply",
    "render_reply",
]

#: Papers per ``/digest`` page: a real digest (about 26) fits on one.
DIGEST_PER_PAGE: Final = 30
_TITLE_SHOWN: Final = 110
#: Characters of a sharer's name shown ("Shared by …"); Slack's display names are shorter.
_NAME_SHOWN: Final = 80
_PAPER_MISSES: Final = frozenset({NotFoundKind.UNKNOWN_PAPER, NotFoundKind.NOT_A_REFERENCE})
#: A snippet is a window cut anywhere into Markdown, so it cannot be parsed: its emphasis and
#: code markers, and list markers opening a line, are dropped rather than shown escaped.
_MARKUP: Final = re.compile(r"\*\*|__|~~|`+|(?:^|(?<=\n))\s*(?:[-*+]|\d+[.)])\s+")
_SNIPPET_MAX: Final = 300


@dataclass(frozen=True, slots=True)
class Reply:
    """One or more messages answering one request.

    Attributes:
        text: Notification fallback, escaped (Slack shows it where blocks cannot be).
        messages: Blocks of each message, in order.
        metadata: Message metadata for a copy posted to a channel, if any.
    """

    text: str
    messages: tuple[list[Block], ...]
    metadata: dict[str, Any] | None = None


def _section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn_text(text)}


def _context(*lines: str) -> Block:
    return {"type": "context", "elements": [mrkdwn_text(line) for line in lines]}


def _sections(lines: list[str]) -> list[Block]:
    """Lines joined into as few section blocks as the 3,000-character limit allows."""
    return [_section(chunk) for chunk in split("\n".join(lines), SECTION_TEXT_MAX) if chunk]


def _title(title: str | None, arxiv_id: str) -> str:
    return cut(" ".join((title or f"arXiv {arxiv_id}").split()), _TITLE_SHOWN).text


def _hf(arxiv_id: str) -> str:
    return f"https://huggingface.co/papers/{arxiv_id}"


def _shared_line(name: str, query: Query) -> str:
    """Who shared it, by name: a ``<@U…>`` mention would notify them of their own share."""
    who = literal(cut(" ".join(name.split()), _NAME_SHOWN).text) or "someone"
    return f"Shared by {who} with `/{SLASH_NAMES[query.command]}`"


def _finish(
    query: Query, text: str, blocks: list[Block], controls: list[Block], shared_by: str | None
) -> Reply:
    """Add the controls (ephemeral) or the "shared by" line (channel copy)."""
    if shared_by is None:
        return Reply(text, ([*blocks, actions_block([*controls, share_button(query)])],))
    shared = _context(_shared_line(shared_by, query))
    return Reply(text, ([*blocks, shared],), share_metadata(query_value(query)))


def help_reply(command: Command) -> Reply:
    """Usage of one command, from the shared :data:`~bot.core.answers.paper_answers.COMMANDS`."""
    usage = COMMANDS[SLASH_NAMES[command]]
    examples = "\n".join(f"`{example}`" for example in usage.examples)
    others = " · ".join(f"`/{name}`" for name in COMMANDS)
    blocks = [
        _section(f"*{usage.usage}* — {usage.summary}\n*Examples*\n{examples}"),
        _context(f"Commands: {others} — add `help` to any of them for its usage."),
    ]
    return Reply(escape_slack(usage.text()), (blocks,))


def not_found_reply(miss: NotFound) -> Reply:
    """The lookup's explanation, what to try instead, and for papers an "Open…" menu."""
    blocks = [_section(cut(literal(miss.message), SECTION_TEXT_MAX).text)]
    if miss.suggestions:
        lines = [f"• `{literal(s.value)}` {literal(s.label)}".rstrip() for s in miss.suggestions]
        blocks.extend(_sections(lines))
    if miss.kind in _PAPER_MISSES:
        choices = [
            (f"{s.value} · {s.label}", Query("paper", paper=s.value)) for s in miss.suggestions
        ]
        if menu := open_select(choices, "Open a paper…"):
            blocks.append(actions_block(menu))
    return Reply(escape_slack(miss.message), (blocks,))


def _card(shown: Query, answer: CardAnswer, shared_by: str | None) -> Reply:
    card = answer.card
    text = escape_slack(f"{card.display_title} — {card.hf_url}")
    if shared_by is None:
        return Reply(text, (card_blocks(card, controls=[share_button(shown)]),))
    blocks = card_blocks(card, context=[_shared_line(shared_by, shown)])
    return Reply(text, (blocks,), share_metadata(query_value(shown)))


def _whole_section(shown: Query, answer: SectionAnswer, shared_by: str | None) -> Reply:
    card, section = answer.card, answer.section
    text = escape_slack(f"{section.label} — {card.display_title}")
    if shared_by is None:
        messages = section_messages(card, section, controls=[share_button(shown)])
        return Reply(text, tuple(messages))
    messages = section_messages(card, section)
    messages[-1].append(_context(_shared_line(shared_by, shown)))
    return Reply(text, tuple(messages), share_metadata(query_value(shown)))


def _page(shown: Query, page: SectionPage, shared_by: str | None) -> Reply:
    key = page.key
    first = (page.page - 1) * page.per_page + 1
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(f"{key.number} · {key.korean}", HEADER_TEXT_MAX)},
        _context(
            f"*{key.english}* · {page.date} digest · papers {first}–"
            f"{first + len(page.items) - 1} of {page.total} · page {page.page}/{page.pages}"
        ),
    ]
    bodies = [item.section.body if item.section else "" for item in page.items]
    fitted = fit_all(
        bodies, each=SECTION_TEXT_MAX - 400, total=CARD_TOTAL_MAX - 2500, render=to_mrkdwn
    )
    for item, body in zip(page.items, fitted, strict=True):
        title = f"*{item.position}. {link(_hf(item.arxiv_id), _title(item.title, item.arxiv_id))}*"
        lines = [f"{title}  `{item.arxiv_id}`"]
        if item.section is None:
            lines.append(f"_This summary has no {key.english} section._")
        else:
            lines.append(body.text)
            if body.was_cut:
                lines.append(f"_… the whole section: `{section_hint(item.arxiv_id, key)}`_")
        blocks.append(_section("\n".join(lines)))
    controls = pager(shown, has_prev=page.page > 1, has_next=page.page < page.pages)
    text = escape_slack(f"{key.english} · {page.date} · page {page.page}/{page.pages}")
    return _finish(shown, text, blocks, controls, shared_by)


def _digest(shown: Query, summary: DigestSummary, shared_by: str | None) -> Reply:
    pages = max(1, math.ceil(len(summary.papers) / DIGEST_PER_PAGE))
    shown = shown.at(min(shown.page, pages))
    papers = summary.papers[(shown.page - 1) * DIGEST_PER_PAGE :][:DIGEST_PER_PAGE]
    header = DigestHeaderCard(summary.date, len(summary.papers))
    lines = []
    for item in papers:
        title = link(_hf(item.arxiv_id), _title(item.title, item.arxiv_id))
        have = len(set(item.sections))
        extra = "" if have == 7 else f" · {have}/7 sections"
        lines.append(f"*{item.position}.* {title}  `{item.arxiv_id}`{extra}")
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(header.title, HEADER_TEXT_MAX)},
        *_sections(lines or ["_This digest has no papers._"]),
        _context(f"Page {shown.page}/{pages} · `/paper ID` or the menu below shows a card"),
    ]
    controls: list[Block] = []
    if shared_by is None:
        choices = [
            (
                f"{i.position}. {_title(i.title, i.arxiv_id)}",
                Query("paper", i.arxiv_id, date=shown.date),
            )
            for i in papers
        ]
        controls = open_select(choices, "Open a paper…")
        controls += pager(shown, has_prev=shown.page > 1, has_next=shown.page < pages)
    return _finish(shown, escape_slack(header.title), blocks, controls, shared_by)


def _search(shown: Query, results: SearchResults, shared_by: str | None) -> Reply:
    quoted = f"“{literal(results.query)}”"
    if not results.hits:
        summary = f"Nothing matches {quoted}." if results.query else "Type something to search."
        return Reply(escape_slack(summary), ([_section(summary)],))
    last = results.offset + len(results.hits)
    blocks: list[Block] = [_context(f"Results {results.offset + 1}–{last} for {quoted}")]
    for hit in results.hits:
        where = hit.where
        title = link(_hf(hit.arxiv_id), _title(hit.title, hit.arxiv_id))
        line = f"*{title}*  `{hit.arxiv_id}` · {hit.date} · {where}"
        snippet = _snippet(hit.snippet.parts)
        blocks.append(_section(line if hit.field == "title" else f"{line}\n> {snippet}"))
    controls: list[Block] = []
    if shared_by is None:
        best: dict[str, SearchHit] = {}  # one option per paper: its best-ranked hit
        for hit in results.hits:
            best.setdefault(hit.arxiv_id, hit)
        choices = [
            (_title(h.title, h.arxiv_id), Query("paper", h.arxiv_id, date=h.date.isoformat()))
            for h in best.values()
        ]
        controls = open_select(choices, "Open a paper…")
        controls += pager(shown, has_prev=results.offset > 0, has_next=results.has_more)
    text = escape_slack(f"Search results for “{results.query}”")
    return _finish(shown, text, blocks, controls, shared_by)


def _snippet(parts: tuple[tuple[str, bool], ...]) -> str:
    bare = [(_MARKUP.sub("", text).replace("\n", " "), hit) for text, hit in parts]
    return cut(" ".join(marked(bare).split()), _SNIPPET_MAX).text


def render_reply(query: Query, answer: Answer, *, shared_by: str | None = None) -> Reply:
    """The reply to ``query`` given the archive's ``answer``.

    Args:
        query: What was asked (its page; the rest is pinned from ``answer``, see
            :func:`~bot.core.answers.query.pinned`).
        answer: What the archive answered.
        shared_by: ``None`` for the asker's ephemeral reply; the display name of whoever
            pressed "Post to channel" for the copy posted to the channel.
    """
    if isinstance(answer, NotFound):
        return not_found_reply(answer)
    shown = pinned(query, answer)
    if isinstance(answer, CardAnswer):
        return _card(shown, answer, shared_by)
    if isinstance(answer, SectionAnswer):
        return _whole_section(shown, answer, shared_by)
    if isinstance(answer, SectionPage):
        return _page(shown, answer, shared_by)
    if isinstance(answer, DigestSummary):
        return _digest(shown, answer, shared_by)
    return _search(shown, answer, shared_by)
