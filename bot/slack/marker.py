"""What marks a Slack message as one of paperbot's posts: its message metadata.

Slack keeps a message's metadata (an ``event_type`` and a JSON ``event_payload``) and returns
it from ``conversations.history`` and ``.replies`` when asked (``include_all_metadata``), so the
bot finds its own cards again without parsing what readers see. Written and read here only::

    paperbot_digest   the day's header        {"digest_date", "paper": "header", "key"}
    paperbot_card     one paper's card        {"digest_date", "paper", "key"}
    paperbot_listing  a page of a listing     {"digest_date", "paper": "listing-N", "key"}
    paperbot_share    an answer someone shared to the channel: not a delivered post

``key`` is the :attr:`~bot.core.delivery.poster.PostKey.token` of the post, added by
:func:`stamp` when the poster sends it; a rendered card (a reply, a preview) has none, so it is
never mistaken for a delivered one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from bot.core.delivery.outbox import HEADER

if TYPE_CHECKING:
    from bot.core.cards.card import Card, DigestHeaderCard
    from bot.core.delivery.poster import PostKey

__all__ = [
    "CARD_EVENT",
    "HEADER_EVENT",
    "LISTING_EVENT",
    "SHARE_EVENT",
    "card_metadata",
    "carries",
    "header_metadata",
    "share_metadata",
    "stamp",
]

#: Message metadata event types: let the bot find its own cards in channel history.
CARD_EVENT: Final = "paperbot_card"
HEADER_EVENT: Final = "paperbot_digest"
LISTING_EVENT: Final = "paperbot_listing"
#: A shared reply: not a delivered card, so reconciliation skips it.
SHARE_EVENT: Final = "paperbot_share"
_OURS: Final = frozenset({CARD_EVENT, HEADER_EVENT, LISTING_EVENT})
#: How the outbox names a listing page's post (``listing-1``…, a week's ``listing-week-1``…).
_LISTING_PAPER: Final = "listing-"


def card_metadata(card: Card) -> dict[str, Any]:
    """The metadata of a rendered card: which paper of which digest it shows."""
    return {
        "event_type": CARD_EVENT,
        "event_payload": {"digest_date": card.date_label, "paper": card.arxiv_id},
    }


def header_metadata(header: DigestHeaderCard) -> dict[str, Any]:
    """The metadata of a rendered digest header."""
    date = header.date.isoformat() if header.date else "undated"
    return {"event_type": HEADER_EVENT, "event_payload": {"digest_date": date, "paper": HEADER}}


def share_metadata(value: str) -> dict[str, Any]:
    """The metadata of a reply shared to a channel: the query that produced it."""
    return {"event_type": SHARE_EVENT, "event_payload": {"view": value}}


def stamp(message: dict[str, Any], key: PostKey) -> None:
    """Mark ``message`` (``chat.postMessage`` arguments) as the post ``key`` names."""
    if key.paper == HEADER:
        event = HEADER_EVENT
    elif key.paper.startswith(_LISTING_PAPER):
        event = LISTING_EVENT
    else:
        event = CARD_EVENT
    message["metadata"] = {
        "event_type": event,
        "event_payload": {"digest_date": key.digest_date, "paper": key.paper, "key": key.token},
    }


def carries(message: Mapping[str, Any], key: PostKey) -> bool:
    """Whether ``message`` (as history returns it) is the post ``key`` names."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") in _OURS and payload.get("key") == key.token
