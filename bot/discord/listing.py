"""A digest listing page as one Discord message: an embed of numbered lines, and menus.

The embed's description holds the numbered lines (``**12.** title — gist · ▲ 34``); below it,
one "Open…" select per 25 papers (:class:`~bot.discord.components.OpenSelect`), whose options
carry each paper's ``paper`` :class:`~bot.core.answers.query.Query`, so that choosing one
answers that paper's card ephemerally, to whoever chose it
(:meth:`bot.discord.responder.Responder.open_paper`). The footer starts with the post key's
mark (:func:`bot.discord.marker.listing_footer`), which is how reconciliation finds a page
again.

Discord refuses a whole message past any limit and discord.py checks none of these, so
:func:`listing_fits` renders a page and measures it (in UTF-16 units, never fewer than
Discord's count): the description's 4,096, the title's 256, the 6,000 of all embed text, five
action rows of 25 options, and each option's 100 characters. Titles and gists are untrusted:
Markdown is escaped (a ``[masked](link)`` stays text) and ``@everyone`` and ``<@id>`` are
broken with a zero-width space; the message is also sent with ``allowed_mentions`` none.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Final

import discord

from bot.core.cards.listing import DigestListing, Fits, ListingItem, widest_page
from bot.core.cards.text import cut, neutralise_discord, utf16_len
from bot.core.delivery.outbox import WEEKLY_LISTING
from bot.core.delivery.poster import PostKey

from .components import OpenSelect
from .limits import (
    CUSTOM_ID_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    ROWS_PER_MESSAGE,
    SELECT_OPTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
)
from .marker import listing_footer
from .render import COLOUR, digest_time, embed_size, escaped, plain
from .replies import Message

__all__ = [
    "LISTING_TITLE_MAX",
    "listing_embed",
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


def _description(items: Sequence[ListingItem]) -> str:
    """The numbered lines, inert, cut only when one runaway line fills a page alone."""
    text = neutralise_discord("\n".join(listing_line(item) for item in items))
    return cut(text, EMBED_DESCRIPTION_MAX, length=utf16_len).text


def listing_embed(listing: DigestListing, key: PostKey) -> discord.Embed:
    """The page's embed; its footer marks it as the post ``key`` names."""
    url = f"https://huggingface.co/papers/date/{listing.last}" if listing.kind == "daily" else None
    embed = discord.Embed(
        title=plain(f"{listing.title} {listing.page_label}", EMBED_TITLE_MAX),
        url=url,
        colour=COLOUR,
        timestamp=digest_time(listing.last),
        description=_description(listing.items) if listing.items else listing.summary,
    )
    hint = f" · {_HINT}" if listing.items else ""
    embed.set_footer(text=listing_footer(key, f"{listing.summary}{hint}"))
    return embed


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
    return Message((listing_embed(listing, key),), listing_view(listing))


def listing_problems(
    embed: discord.Embed, menus: Sequence[Sequence[discord.SelectOption]]
) -> list[str]:
    """Every Discord limit a page (its embed and menus) breaks; ``[]`` when none."""
    problems = []
    for what, text, top in (
        ("title", embed.title, EMBED_TITLE_MAX),
        ("description", embed.description, EMBED_DESCRIPTION_MAX),
        ("footer", embed.footer.text, EMBED_FOOTER_MAX),
    ):
        if (size := utf16_len(text or "")) > top:
            problems.append(f"{what}: {size} > {top}")
    if (total := embed_size(embed)) > EMBED_TOTAL_MAX:
        problems.append(f"embed text: {total} > {EMBED_TOTAL_MAX}")
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


def listing_fits() -> Fits:
    """Whether a page of these items is one message Discord accepts, uncut.

    The page is rendered as the widest it could be posted: a week's title, a page label, the
    longest post key in its footer and papers "left out by this channel's filters".
    """

    def fits(items: Sequence[ListingItem]) -> bool:
        if not items:
            return True
        page = widest_page(items)
        whole = neutralise_discord("\n".join(listing_line(item) for item in items))
        if len(items) > 1 and utf16_len(whole) > EMBED_DESCRIPTION_MAX:
            return False  # the description would be cut: a paper would be lost from the text
        embed = listing_embed(page, _WIDEST_KEY)
        return not listing_problems(embed, listing_menus(items))

    return fits
