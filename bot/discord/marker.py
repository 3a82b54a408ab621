"""What marks a Discord message as one of paperbot's posts: its embed's footer or title.

Discord returns no nonce in a channel's history and has no message metadata, so the bot
recognises its own posts by what readers see, written and read here only:

- a card's footer starts ``2601.00001 · 2026-01-05 · `` (paper, digest date), then its
  position and any sections the summary lacks: :func:`footer`;
- a listing page's footer (on its last embed) starts ``listing-1 · 2026-01-05 · `` (its post
  key's "paper" and digest date), like a card's: :func:`listing_footer`;
- the day's header title starts ``Hugging Face Daily Papers – 2026-01-05 ·``, then the paper
  count: :func:`header_title`.

:func:`is_for` reads those prefixes back. History is read per channel and only the bot's own
messages are passed to it, so (paper, date) there is the whole post key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.core.cards.card import DIGEST_NAME
from bot.core.cards.text import cut, utf16_len
from bot.core.delivery.outbox import HEADER

from .limits import EMBED_FOOTER_MAX

if TYPE_CHECKING:
    import discord

    from bot.core.cards.card import Card, DigestHeaderCard
    from bot.core.delivery.poster import PostKey

__all__ = ["Embedded", "footer", "header_title", "is_for", "listing_footer"]


class Embedded(Protocol):
    """A message as far as :func:`is_for` reads it (``discord.Message`` is one)."""

    @property
    def embeds(self) -> Sequence[discord.Embed]:
        """The message's embeds: a card's or header's one, a listing page's several."""
        ...


def _card_mark(paper: str, digest_date: str) -> str:
    return f"{paper} · {digest_date} · "


def _header_mark(digest_date: str) -> str:
    return f"{DIGEST_NAME} – {digest_date} ·"


def footer(card: Card) -> str:
    """A card's footer: which paper of which digest, its position, what the summary lacks."""
    parts = [card.position_label]
    if card.missing and card.sections:
        parts.append("not in this summary: " + ", ".join(k.english for k in card.missing))
    text = _card_mark(card.arxiv_id, card.date_label) + " · ".join(parts)
    return cut(text, EMBED_FOOTER_MAX, length=utf16_len).text


def listing_footer(key: PostKey, text: str) -> str:
    """A listing page's footer: the mark of its post key, then ``text`` (cut to fit)."""
    return cut(
        _card_mark(key.paper, key.digest_date) + text, EMBED_FOOTER_MAX, length=utf16_len
    ).text


def header_title(header: DigestHeaderCard) -> str:
    """The header's title, ``Hugging Face Daily Papers – 2026-01-05 · 3 papers``.

    The same words as :attr:`DigestHeaderCard.title` (which Slack and the console show),
    written here because its start is the mark Discord reads back.
    """
    day = header.date.isoformat() if header.date else "undated"
    noun = "paper" if header.count == 1 else "papers"
    return f"{_header_mark(day)} {header.count} {noun}"


def is_for(message: Embedded, key: PostKey) -> bool:
    """Whether ``message`` (one of ours) is the card or header ``key`` names."""
    if not message.embeds:
        return False
    if key.paper == HEADER:
        return (message.embeds[0].title or "").startswith(_header_mark(key.digest_date))
    mark = _card_mark(key.paper, key.digest_date)  # a card's only embed, a listing's last
    return any((embed.footer.text or "").startswith(mark) for embed in message.embeds)
