"""Cards to embeds: the Discord rendering of the platform-neutral
:class:`~bot.core.cards.card.Card`.

A card is one embed: the title links to the Hugging Face page, the motivation is the
description, every further section is a field named like ``6 · 한계점 및 잠재적 실패 요인``, and
the footer says which paper of which digest it is (:mod:`bot.discord.marker`). Discord rejects
a whole message when any embed limit is exceeded, so every text is measured after rendering
(with :func:`~bot.core.cards.text.utf16_len`, never fewer than Discord's count) and cut by the
shared :func:`~bot.core.cards.fitting.fit_all`, at a sentence where possible, with a hint to
read the rest.

Long texts that must not be cut (a section asked for by name, a digest listing) are split
instead, over as many embeds and messages as they need.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Final

import discord
from discord.utils import escape_markdown

from bot.core.cards.card import Card, CardSection, DigestHeaderCard, section_hint
from bot.core.cards.fitting import Fitted, fit, fit_all
from bot.core.cards.paper_meta import PaperMeta, link_safe
from bot.core.cards.text import cut, neutralise_discord, split, utf16_len
from digest_parser import SectionKey

from .limits import (
    EMBED_AUTHOR_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
)
from .markdown import to_discord
from .marker import footer as card_footer
from .marker import header_title

__all__ = [
    "COLOUR",
    "RENDER_CACHE_SIZE",
    "card_embed",
    "clear_render_cache",
    "digest_time",
    "embed_size",
    "escaped",
    "field_name",
    "fit_values",
    "header_embed",
    "hint_line",
    "long_text_messages",
    "pack",
    "plain",
    "render_cache_size",
    "section_label",
    "section_messages",
]

#: Rendered section bodies kept, per rendering (fields, descriptions). markdown-it-py parses
#: about 1 µs per character, so a card costs 1-2 ms to render and 50 simultaneous requests
#: would queue behind 50 of those; the rendering is a pure function of the Markdown, and the
#: papers people ask about are mostly the recent ones, which this holds many days of.
RENDER_CACHE_SIZE: Final = 4096
#: Hugging Face yellow, so paperbot's cards are recognisable in a busy channel.
COLOUR: Final = discord.Colour(0xFFD21E)
_EMPTY_VALUE: Final = "—"  # a field value may not be empty


def escaped(text: str, limit: int) -> str:
    """Plain text on one line with Markdown escaped, within ``limit``; mentions NOT neutralised.

    For lists built line by line (a digest, search hits): neutralise the joined text once.
    """
    return cut(escape_markdown(" ".join(text.split())), limit, length=utf16_len).text


def plain(text: str, limit: int) -> str:
    """Untrusted plain text (a title, a user's input) as inert Discord text within ``limit``."""
    return cut(neutralise_discord(escaped(text, limit)), limit, length=utf16_len).text


def field_name(key: SectionKey) -> str:
    """``6 · 한계점 및 잠재적 실패 요인``: the number and the heading the digest uses."""
    return f"{key.number} · {key.korean}"


def section_label(key: SectionKey) -> str:
    """``6 · 한계점 및 잠재적 실패 요인 · Limitations``: Korean heading and English label."""
    return f"{field_name(key)} · {key.english}"


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _render_field(markdown: str) -> str:
    return to_discord(markdown, headings=False)


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _render_block(markdown: str) -> str:
    return to_discord(markdown, headings=True)


def clear_render_cache() -> None:
    """Forget every rendered body (benchmarks measure the cold path with it)."""
    _render_field.cache_clear()
    _render_block.cache_clear()


def render_cache_size() -> int:
    """How many rendered bodies are held."""
    return _render_field.cache_info().currsize + _render_block.cache_info().currsize


def digest_time(day: dt.date | None) -> dt.datetime | None:
    """Midnight UTC of a digest's date, shown by Discord in each reader's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def embed_size(embed: discord.Embed) -> int:
    """What ``embed`` adds to a message's 6,000-character total, in UTF-16 units."""
    texts = [embed.title, embed.description, embed.footer.text, embed.author.name]
    texts += [part for f in embed.fields for part in (f.name, f.value)]
    return sum(utf16_len(t) for t in texts if t)


def hint_line(arxiv_id: str, key: SectionKey) -> str:
    """The line appended to a cut section: how to read it whole."""
    return f"\n*… whole section:* `{section_hint(arxiv_id, key)}`"


def fit_values(bodies: Sequence[str], hints: Sequence[str], budget: int) -> list[str]:
    """Render Markdown bodies as field values: 1,024 each, ``budget`` together, hinted if cut.

    The first pass reserves no room for hints; only when something has to be cut is a second
    pass made with the longest hint reserved in every value, so that a cut section always has
    room to say how to read it whole. ``fit_all`` shortens the longest bodies first, so one
    runaway section gives up its space before a short one loses a word.
    """
    fitted = fit_all(
        bodies, each=EMBED_FIELD_VALUE_MAX, total=budget, render=_render_field, length=utf16_len
    )
    if not any(f.was_cut for f in fitted):
        return [f.text or _EMPTY_VALUE for f in fitted]
    reserve = max(utf16_len(h) for h in hints)
    fitted = fit_all(
        bodies,
        each=EMBED_FIELD_VALUE_MAX - reserve,
        total=max(budget - reserve * len(bodies), len(bodies)),
        render=_render_field,
        length=utf16_len,
    )
    return [_with_hint(f, hint) for f, hint in zip(fitted, hints, strict=True)]


def _with_hint(fitted: Fitted, hint: str) -> str:
    if not fitted.was_cut:
        return fitted.text or _EMPTY_VALUE
    return (fitted.text + hint) if fitted.text else hint.lstrip("\n")


def card_embed(card: Card) -> discord.Embed:
    """One paper's card as an embed within every limit in :mod:`bot.discord.limits`."""
    embed = discord.Embed(
        title=plain(card.display_title, EMBED_TITLE_MAX),
        url=card.hf_url,
        colour=COLOUR,
        timestamp=digest_time(card.date),
    )
    footer = card_footer(card)
    embed.set_footer(text=footer)
    if card.meta is not None:
        add_meta(embed, card.meta)
    lead = card.section(SectionKey.MOTIVATION)
    fields = [s for s in card.sections if s is not lead]
    names = [field_name(s.key) for s in fields]
    budget = EMBED_TOTAL_MAX - utf16_len(embed.title or "") - utf16_len(footer)
    budget -= utf16_len(embed.author.name or "") + sum(
        utf16_len(f.name or "") + utf16_len(f.value or "") for f in embed.fields
    )
    budget -= sum(utf16_len(n) for n in names)
    if card.note and not card.sections:
        limit = min(EMBED_DESCRIPTION_MAX, budget)
        embed.description = fit(card.note, limit, _render_block, length=utf16_len).text or None
        return embed
    shown = ([lead] if lead else []) + fields
    hints = [hint_line(card.arxiv_id, s.key) for s in shown]
    values = fit_values([s.body for s in shown], hints, budget)
    if lead is not None:
        embed.description, values = values[0], values[1:]
    for name, value in zip(names, values, strict=True):
        embed.add_field(name=name[:EMBED_FIELD_NAME_MAX], value=value, inline=False)
    return embed


#: The field that carries Hugging Face's facts about the paper.
META_FIELD: Final = "Hugging Face"


def add_meta(embed: discord.Embed, meta: PaperMeta) -> None:
    """Authors as the embed's author line, the thumbnail, and the facts as its first field.

    Values are bounded when read (:mod:`bot.core.enrichment.response`), so the field stays far
    below its 1,024 characters; it is cut there anyway.
    """
    if meta.authors:
        embed.set_author(name=plain(meta.authors_line, EMBED_AUTHOR_MAX))
    if meta.thumbnail:
        embed.set_thumbnail(url=meta.thumbnail)
    lines = []
    if meta.withdrawn:
        lines.append("⚠️ **Withdrawn** by its authors")
    if meta.title:
        lines.append(f"**{plain(meta.title, 300)}**")
    if meta.organization:
        lines.append(plain(meta.organization, 100))
    facts = [meta.counts_line] if meta.counts_line else []
    facts += [f"[{label}]({link_safe(url)})" for label, url in meta.links]
    if facts:
        lines.append(" · ".join(facts))
    if meta.shown_keywords:
        lines.append(" · ".join(plain(k, 100) for k in meta.shown_keywords))
    if lines:
        value = cut("\n".join(lines), EMBED_FIELD_VALUE_MAX, length=utf16_len).text
        embed.add_field(name=META_FIELD, value=value, inline=False)


def header_embed(header: DigestHeaderCard) -> discord.Embed:
    """The embed that opens a day's posts."""
    url = f"https://huggingface.co/papers/date/{header.date}" if header.date else None
    source = f"[Hugging Face Daily Papers]({url})" if url else "Hugging Face Daily Papers"
    return discord.Embed(
        title=plain(header_title(header), EMBED_TITLE_MAX),
        url=url,
        colour=COLOUR,
        timestamp=digest_time(header.date),
        description=(
            f"Summaries of the papers on {source}, one card each. "
            "A card's **Show section…** menu opens one section whole; "
            "`/paper ID` finds any paper again."
        ),
    )


def pack(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds, in order, into messages of at most 10 embeds and 6,000 characters."""
    messages: list[list[discord.Embed]] = []
    used = EMBED_TOTAL_MAX + 1
    for embed in embeds:
        size = embed_size(embed)
        if used + size > EMBED_TOTAL_MAX or len(messages[-1]) >= EMBEDS_PER_MESSAGE:
            messages.append([])
            used = 0
        messages[-1].append(embed)
        used += size
    return messages


def long_text_messages(
    text: str,
    *,
    title: str,
    url: str | None = None,
    author: str | None = None,
    footer: str | None = None,
    timestamp: dt.datetime | None = None,
) -> list[list[discord.Embed]]:
    """Rendered Discord Markdown split (never cut) over embeds and messages.

    The first embed carries the title and author, the last the footer; each chunk ends at a
    paragraph, line or sentence where one is near (:func:`bot.core.cards.text.split`).
    """
    fits = text.strip() and utf16_len(text) <= EMBED_DESCRIPTION_MAX
    chunks = [text.strip()] if fits else split(text, EMBED_DESCRIPTION_MAX, length=utf16_len)
    chunks = chunks or [_EMPTY_VALUE]
    embeds = [discord.Embed(description=chunk, colour=COLOUR) for chunk in chunks]
    embeds[0].title = plain(title, EMBED_TITLE_MAX)
    embeds[0].url = url
    if author:
        embeds[0].set_author(name=cut(author, EMBED_AUTHOR_MAX, length=utf16_len).text)
    if footer:
        embeds[-1].set_footer(text=cut(footer, EMBED_FOOTER_MAX, length=utf16_len).text)
        embeds[-1].timestamp = timestamp
    return pack(embeds)


def section_messages(card: Card, section: CardSection) -> list[list[discord.Embed]]:
    """A whole section, for the section menu and ``/section``: split, never cut."""
    return long_text_messages(
        _render_block(section.body),
        title=card.display_title,
        url=card.hf_url,
        author=section_label(section.key),
        footer=" · ".join((card.arxiv_id, card.date_label, card.position_label)),
        timestamp=digest_time(card.date),
    )
