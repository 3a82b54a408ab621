"""Answers as Discord messages: what each command and click replies, in embeds.

The commands decide *what* to answer in :mod:`bot.core.answers`, identically on every platform;
this module decides how it looks here. :func:`render_reply` turns a
:class:`~bot.core.answers.query.Query` and the archive's answer into a :class:`Reply`: one or
more messages, because a whole section or a long digest may need several. The same reply is
sent ephemerally to the one who asked (with "Post to channel", which carries the query pinned
to the answer's digest) or posted for everyone (without it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import discord

from bot.core.answers.paper_answers import COMMANDS, CardAnswer, SectionAnswer
from bot.core.answers.query import Answer, Query, pinned
from bot.core.archive.lookup import NotFound, SearchResults, SectionPage
from bot.core.archive.records import DigestSummary, SearchHit
from bot.core.cards.card import DigestHeaderCard
from bot.core.cards.text import cut, neutralise_discord, utf16_len
from bot.discord.components import card_view, page_view, share_view
from digest_parser import SectionKey

from .limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
)
from .render import (
    COLOUR,
    card_embed,
    digest_time,
    escaped,
    fit_values,
    hint_line,
    long_text_messages,
    plain,
    section_label,
    section_messages,
)

if TYPE_CHECKING:
    from bot.core.answers.paper_answers import CommandHelp

__all__ = ["Message", "Reply", "help_reply", "render_reply"]

_SUGGESTIONS_SHOWN: Final = 10
_NO_SECTION: Final = "*This summary has no such section.*"
_SNIPPET_MAX: Final = 300
#: Emphasis and code markers, and a list marker at the start of a snippet's line.
_MARKUP: Final = re.compile(r"\*\*|__|`+|(?:^|(?<=\n))\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class Message:
    """One Discord message: embeds within the limits, and its components."""

    embeds: tuple[discord.Embed, ...]
    view: discord.ui.View | None = None
    content: str | None = None
    files: tuple[discord.File, ...] = ()  # attachments (a BibTeX export); read once when sent


@dataclass(frozen=True, slots=True)
class Reply:
    """The messages that answer one command or click, in order."""

    messages: tuple[Message, ...]


def _embed(title: str, description: str | None = None) -> discord.Embed:
    text = cut(description, EMBED_DESCRIPTION_MAX, length=utf16_len).text if description else None
    return discord.Embed(title=plain(title, EMBED_TITLE_MAX), description=text, colour=COLOUR)


def _messages(
    groups: list[list[discord.Embed]], first_view: discord.ui.View | None
) -> tuple[Message, ...]:
    return tuple(
        Message(tuple(group), first_view if i == 0 else None) for i, group in enumerate(groups)
    )


def _card(answer: CardAnswer, share: Query | None) -> Reply:
    card = answer.card
    return Reply((Message((card_embed(card),), card_view(card, share=share)),))


def _section(answer: SectionAnswer, share: Query | None) -> Reply:
    return Reply(_messages(section_messages(answer.card, answer.section), share_view(share)))


def _page(shown: Query, page: SectionPage, share: Query | None) -> Reply:
    key, date = page.key, page.date.isoformat()
    embed = _embed(f"{section_label(key)} — {date}")
    first = page.per_page * (page.page - 1) + 1
    last = first + len(page.items) - 1
    embed.description = f"Papers {first}–{last} of {page.total} · page {page.page}/{page.pages}"
    embed.timestamp = digest_time(page.date)
    names = [
        plain(f"{item.position}. {item.arxiv_id} · {item.title or 'untitled'}", 200)
        for item in page.items
    ]
    present = [(i, item) for i, item in enumerate(page.items) if item.section is not None]
    used = sum(utf16_len(n) for n in names) + utf16_len(embed.title or "")
    used += utf16_len(embed.description) + utf16_len(_NO_SECTION) * len(page.items)
    values = [_NO_SECTION] * len(page.items)
    if present:
        fitted = fit_values(
            [item.section.body for _, item in present if item.section],
            [hint_line(item.arxiv_id, key) for _, item in present],
            EMBED_TOTAL_MAX - used,
        )
        for (i, _), value in zip(present, fitted, strict=True):
            values[i] = value
    for name, value in zip(names, values, strict=True):
        embed.add_field(name=name[:EMBED_FIELD_NAME_MAX], value=value, inline=False)
    view = page_view(shown, page.pages, share=share)
    return Reply((Message((embed,), view),))


def _digest(summary: DigestSummary, share: Query | None) -> Reply:
    date = summary.date.isoformat()
    lines = []
    for item in summary.papers:
        title = escaped(item.title or "untitled", 200)
        link = f"[{item.arxiv_id}](https://huggingface.co/papers/{item.arxiv_id})"
        line = f"**{item.position}.** {link} · {title}"
        if len(item.sections) < len(SectionKey.ordered()):
            line += f" · *{len(item.sections)}/7 sections*"
        lines.append(line)
    groups = long_text_messages(
        neutralise_discord("\n".join(lines)) or "*This digest has no papers.*",  # every title
        title=DigestHeaderCard(summary.date, len(summary.papers)).title,
        url=f"https://huggingface.co/papers/date/{date}",
        footer="/paper ID: a card · /section NAME: one section of every paper",
        timestamp=digest_time(summary.date),
    )
    return Reply(_messages(groups, share_view(share)))


def _snippet(hit: SearchHit) -> str:
    r"""The match in context, escaped, the matched words bold (mentions: see ``_search``).

    A snippet is a window cut anywhere into a section's Markdown, so it cannot be parsed as
    Markdown; its emphasis and code markers are dropped (they would show as escaped ``\*\*``)
    and the rest is escaped, keeping the spaces around each match.
    """
    parts = []
    for text, is_match in hit.snippet.parts:
        bare = discord.utils.escape_markdown(_MARKUP.sub("", text).replace("\n", " "))
        parts.append(f"**{bare.strip()}**" if is_match and bare.strip() else bare)
    return cut(" ".join("".join(parts).split()), _SNIPPET_MAX, length=utf16_len).text


def _search(results: SearchResults, share: Query | None) -> Reply:
    where = {"title": "title"} | {k.value: k.english for k in SectionKey.ordered()}
    lines = []
    for n, hit in enumerate(results.hits, start=results.offset + 1):
        title = escaped(hit.title or "untitled", 150)
        link = f"[{hit.arxiv_id}](https://huggingface.co/papers/{hit.arxiv_id})"
        lines.append(f"**{n}.** {link} · {hit.date} · {title}")
        lines.append(f"> *{where.get(str(hit.field), hit.where)}:* {_snippet(hit)}")
    empty = f"No paper matches {plain(results.query, 100) or 'that'}. Try fewer or other words."
    groups = long_text_messages(
        neutralise_discord("\n".join(lines)) or empty,  # once for all the untrusted parts
        title=f"Search: {results.query}" if results.query else "Search",
        footer="More matches exist: add a word to narrow the search." if results.has_more else None,
    )
    return Reply(_messages(groups, share_view(share if lines and results.query else None)))


def _not_found(miss: NotFound, usage_of: str) -> Reply:
    embed = _embed("Not found", neutralise_discord(discord.utils.escape_markdown(miss.message)))
    if miss.suggestions:
        shown = miss.suggestions[:_SUGGESTIONS_SHOWN]
        lines = "\n".join(
            f"`{plain(s.value, 100)}`" + (f" — {plain(s.label, 150)}" if s.label.strip() else "")
            for s in shown
        )
        value = cut(lines, EMBED_FIELD_VALUE_MAX, length=utf16_len).text
        embed.add_field(name="Did you mean", value=value, inline=False)
    usage = COMMANDS.get(usage_of)
    if usage is not None:
        embed.set_footer(text=cut(f"Usage: {usage.usage}", EMBED_FOOTER_MAX).text)
    return Reply((Message((embed,)),))


def help_reply(command: str | None = None) -> Reply:
    """Usage of one command (or of all): for an empty argument, ``help`` or a bad argument."""
    chosen: list[CommandHelp] = [COMMANDS[command]] if command in COMMANDS else []
    helps = chosen or list(COMMANDS.values())
    embed = _embed(helps[0].usage if chosen else "paperbot commands")
    for usage in helps:
        examples = "\n".join(f"`{example}`" for example in usage.examples)
        name = "Examples" if chosen else usage.usage
        embed.add_field(name=name, value=f"{usage.summary}\n{examples}", inline=False)
    if command in ("section", "paper"):
        names = "\n".join(f"`{k.value}` · {k.korean} · {k.english}" for k in SectionKey.ordered())
        embed.add_field(name="Sections (any alias, Korean or a number 1–7)", value=names)
    return Reply((Message((embed,)),))


def render_reply(query: Query, answer: Answer, *, usage_of: str, private: bool) -> Reply:
    """The reply to ``query`` given the archive's ``answer``.

    Args:
        query: What was asked (the rest is pinned from ``answer``, see
            :func:`~bot.core.answers.query.pinned`).
        answer: What the archive answered.
        usage_of: The command whose usage a miss shows (``paper-search``); a click's miss names
            no command (``page``, ``search``) and shows none.
        private: An ephemeral answer to one user: adds "Post to channel" where it can.
    """
    if isinstance(answer, NotFound):
        return _not_found(answer, usage_of)
    shown = pinned(query, answer)
    share = shown if private else None
    if isinstance(answer, CardAnswer):
        return _card(answer, share)
    if isinstance(answer, SectionAnswer):
        return _section(answer, share)
    if isinstance(answer, SectionPage):
        return _page(shown, answer, share)
    if isinstance(answer, DigestSummary):
        return _digest(answer, share)
    return _search(answer, share)
