"""A digest listing page as one Discord message: numbered lines in content and embeds, and menus.

The lines (``**12.** title — gist · ▲ 34``) fill the message as far as Discord's limits allow
(:mod:`bot.discord.listing_layout`): embeds alone while the 6,000 characters of all embeds
hold them, else the first lines in the message's content, under the page's title as a
heading, and the rest in the embeds. So the largest real digest, 47 papers in 6,600
characters, is one message, where one embed (4,096) would need two. The first embed (when
there is no content) carries the title, the last the footer, which starts with the post key's
mark (:func:`bot.discord.marker.listing_footer`): how reconciliation finds a page again.

Below, one "Open…" select per 25 papers (:class:`~bot.discord.components.OpenSelect`), whose
options carry each paper's ``paper`` :class:`~bot.core.answers.query.Query`, so that choosing
one answers that paper's card ephemerally, to whoever chose it
(:meth:`bot.discord.responder.Responder.open_paper`).

Discord refuses a whole message past any limit and discord.py checks none of these but the
ten embeds, so :func:`listing_fits` measures a page (in UTF-16 units, never fewer than
Discord's count) as the widest it could be posted: the content's 2,000, the descriptions'
4,096, the 6,000 of all embed text, ten embeds, five action rows of 25 options, and each
option's 100 characters; :func:`listing_problems` checks a built message against the same.
Titles and gists are untrusted: Markdown is escaped (a ``[masked](link)`` stays text) and
``@everyone`` and ``<@id>`` are broken with a zero-width space; the message is also sent with
``allowed_mentions`` none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Final, get_args

import discord

from bot.core.cards.listing import DigestListing, Fits, ListingItem, ListingKind, widest_page
from bot.core.cards.text import cut, neutralise_discord, utf16_len
from bot.core.delivery.outbox import WEEKLY_LISTING
from bot.core.delivery.poster import PostKey

from .components import OpenSelect
from .limits import (
    CONTENT_MAX,
    CUSTOM_ID_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    ROWS_PER_MESSAGE,
    SELECT_OPTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
)
from .listing_layout import Frame, lay_out
from .marker import listing_footer
from .render import COLOUR, digest_time, embed_size, escaped, plain
from .replies import Message

__all__ = [
    "LISTING_TITLE_MAX",
    "listing_fits",
    "listing_line",
    "listing_menus",
    "listing_message",
    "listing_problems",
    "listing_view",
]

#: Characters of a title kept on a listing line, escaped: the real titles average 46 and
#: reach 106, so only runaway ones are cut.
LISTING_TITLE_MAX: Final = 160
#: What the footer says after the post key's mark.
_HINT: Final = "pick a paper below to read its card"
#: The widest key a page may be posted under, for measuring before the key is known.
_WIDEST_KEY: Final = PostKey("", "9999-12-31", f"{WEEKLY_LISTING}9999")


@functools.lru_cache(maxsize=4096)  # packing renders a line many times
def listing_line(item: ListingItem) -> str:
    """``**12.** title — gist · ▲ 34``: Markdown escaped, mentions not yet neutralised."""
    line = f"**{item.number}.** {escaped(item.title, LISTING_TITLE_MAX)}"
    if item.withdrawn:
        line += " ⚠️ *withdrawn*"
    if item.gist:
        line += f" — {escaped(item.gist, LISTING_TITLE_MAX)}"
    if item.upvotes is not None:
        line += f" · ▲ {item.upvotes}"
    return line


@functools.lru_cache(maxsize=4096)  # packing measures a line many times
def _inert(item: ListingItem) -> tuple[str, int]:
    """The line as posted (no mention in it pings) and its length in UTF-16 units."""
    line = neutralise_discord(listing_line(item))
    return line, utf16_len(line)


def _title(listing: DigestListing) -> str:
    return plain(f"{listing.title} {listing.page_label}", EMBED_TITLE_MAX)


def _url(listing: DigestListing) -> str | None:
    return f"https://huggingface.co/papers/date/{listing.last}" if listing.kind == "daily" else None


def _heading(listing: DigestListing) -> str:
    """The title opening the content; ``<url>`` links it without Discord adding a preview."""
    title, url = _title(listing), _url(listing)
    return f"### [{title}](<{url}>)" if url else f"### {title}"


def _footer(listing: DigestListing, key: PostKey) -> str:
    hint = f" · {_HINT}" if listing.items else ""
    return listing_footer(key, f"{listing.summary}{hint}")


def _frame(listing: DigestListing, key: PostKey) -> Frame:
    return Frame(
        utf16_len(_title(listing)), utf16_len(_heading(listing)), utf16_len(_footer(listing, key))
    )


@functools.lru_cache(maxsize=256)
def _widest_frame(first: dt.date, last: dt.date) -> Frame:
    """The most room a page of these dates may need besides its lines, whatever its kind.

    A week's title is the longest, a day's heading (it links the day) and a followed-papers
    summary may be: each is measured, as the worst of every kind with the widest counts.
    """
    item = ListingItem(1, "", first, "", "", None)
    page = widest_page([item, dataclasses.replace(item, date=last)])
    frames = [
        _frame(dataclasses.replace(page, kind=kind), _WIDEST_KEY) for kind in get_args(ListingKind)
    ]
    return Frame(*(max(sizes) for sizes in zip(*map(dataclasses.astuple, frames), strict=True)))


def _embed(description: str) -> discord.Embed:
    return discord.Embed(colour=COLOUR, description=description)


def _embeds(listing: DigestListing, key: PostKey) -> tuple[str | None, list[discord.Embed]]:
    """The page's content (``None`` if the embeds hold every line) and its bare embeds.

    The content, when there is one, opens with the title as a heading. A page that no
    message holds (one runaway line alone) is one embed, its description cut.
    """
    if not listing.items:
        return None, [_embed(listing.summary)]
    lines = [_inert(item) for item in listing.items]
    layout = lay_out([size for _, size in lines], _frame(listing, key))
    if layout is None:
        text = cut("\n".join(line for line, _ in lines), EMBED_DESCRIPTION_MAX, length=utf16_len)
        return None, [_embed(text.text)]
    content, parts = layout.split([line for line, _ in lines])
    embeds = [_embed("\n".join(part)) for part in parts]
    if content is None:
        return None, embeds
    return "\n".join([_heading(listing), *content]), embeds


def _message(listing: DigestListing, key: PostKey) -> tuple[str | None, list[discord.Embed]]:
    """The content and embeds: the title on the first embed if no content has it, the footer
    and the digest's time on the last (Discord shows a footer at the bottom of its box)."""
    content, embeds = _embeds(listing, key)
    if content is None:
        embeds[0].title, embeds[0].url = _title(listing), _url(listing)
    embeds[-1].timestamp = digest_time(listing.last)
    embeds[-1].set_footer(text=_footer(listing, key))
    return content, embeds


def _option(item: ListingItem) -> discord.SelectOption:
    label, value, description = _option_texts(item)
    return discord.SelectOption(label=label, value=value, description=description)


@functools.lru_cache(maxsize=4096)  # packing renders an option many times
def _option_texts(item: ListingItem) -> tuple[str, str, str | None]:
    """An option's label, value (``Query.encode()`` of the card) and description."""
    label = neutralise_discord(" ".join(f"{item.number}. {item.title}".split()))
    gist = neutralise_discord(item.gist)
    return (
        cut(label, SELECT_OPTION_TEXT_MAX, length=utf16_len).text,
        f"paper:{item.arxiv_id}:{item.date.isoformat()}",
        cut(gist, SELECT_OPTION_TEXT_MAX, length=utf16_len).text or None,
    )


def listing_menus(items: Sequence[ListingItem]) -> list[list[discord.SelectOption]]:
    """The options of each "Open…" menu: 25 papers per menu, in order."""
    options = [_option(item) for item in items]
    return [options[i : i + SELECT_OPTIONS_MAX] for i in range(0, len(options), SELECT_OPTIONS_MAX)]


def _placeholder(items: Sequence[ListingItem]) -> str:
    first, last = items[0].number, items[-1].number
    return f"Open paper {first}…" if first == last else f"Open a paper's card ({first}–{last})…"


def listing_view(listing: DigestListing) -> discord.ui.View:
    """The page's menus, one row each (built stopped: clicks are routed by ``OpenSelect``)."""
    view = discord.ui.View(timeout=None)
    menus = listing_menus(listing.items)[:ROWS_PER_MESSAGE]
    for number, options in enumerate(menus, 1):
        start = (number - 1) * SELECT_OPTIONS_MAX
        shown = listing.items[start : start + len(options)]
        view.add_item(OpenSelect(number, options, _placeholder(shown)))
    view.stop()
    return view


def listing_message(listing: DigestListing, key: PostKey) -> Message:
    """What :meth:`~bot.discord.poster.DiscordPoster.post_listing` sends for one page."""
    content, embeds = _message(listing, key)
    return Message(tuple(embeds), listing_view(listing), content)


def _menu_problems(menus: Sequence[Sequence[discord.SelectOption]]) -> list[str]:
    problems = []
    if len(menus) > ROWS_PER_MESSAGE:
        problems.append(f"{len(menus)} menus > {ROWS_PER_MESSAGE} rows")
    if len(f"paperbot:open:{len(menus)}") > CUSTOM_ID_MAX:  # pragma: no cover - 5 menus at most
        problems.append("menu id too long")
    for n, options in enumerate(menus, 1):
        if len(options) > SELECT_OPTIONS_MAX:
            problems.append(f"menu {n}: {len(options)} options > {SELECT_OPTIONS_MAX}")
        if len({o.value for o in options}) < len(options):  # Discord refuses repeated values
            problems.append(f"menu {n}: a paper is offered twice")
        for option in options:
            texts = (option.label, option.value, option.description or "")
            if any(utf16_len(t) > SELECT_OPTION_TEXT_MAX for t in texts):
                problems.append(f"menu {n}: option {option.value!r} over {SELECT_OPTION_TEXT_MAX}")
    return problems


def listing_problems(
    message: Message, menus: Sequence[Sequence[discord.SelectOption]] = ()
) -> list[str]:
    """Every Discord limit a page (its content, embeds and ``menus``) breaks; ``[]`` if none."""
    problems = []
    if (size := utf16_len(message.content or "")) > CONTENT_MAX:
        problems.append(f"content: {size} > {CONTENT_MAX}")
    if len(message.embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"{len(message.embeds)} embeds > {EMBEDS_PER_MESSAGE}")
    for n, embed in enumerate(message.embeds, 1):
        for what, text, top in (
            ("title", embed.title, EMBED_TITLE_MAX),
            ("description", embed.description, EMBED_DESCRIPTION_MAX),
            ("footer", embed.footer.text, EMBED_FOOTER_MAX),
        ):
            if (size := utf16_len(text or "")) > top:
                problems.append(f"embed {n} {what}: {size} > {top}")
    if (total := sum(embed_size(e) for e in message.embeds)) > EMBED_TOTAL_MAX:
        problems.append(f"embed text: {total} > {EMBED_TOTAL_MAX}")
    return problems + _menu_problems(menus)


def listing_fits() -> Fits:
    """Whether a page of these items is one message Discord accepts, uncut.

    The page is measured as the widest it could be posted (:func:`_widest_frame`), so
    whatever kind, number and counts it is given when it is planned, it still fits.
    """

    def fits(items: Sequence[ListingItem]) -> bool:
        if len(items) <= 1:
            return True  # a page of its own, cut if need be
        page = widest_page(items)
        sizes = [_inert(item)[1] for item in items]
        if lay_out(sizes, _widest_frame(page.first, page.last)) is None:
            return False
        return not _menu_problems(listing_menus(items))

    return fits
