"""The interfaces the core needs from the outside world.

Adapters (Discord, Slack, console) implement :class:`Poster`; tests use the real adapters
against loopback fakes of the platforms rather than fakes of this protocol.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from .cards import Card, DigestHeaderCard

__all__ = ["PostKey", "Posted", "Poster"]


@dataclass(frozen=True, slots=True)
class PostKey:
    """What makes a post unique: one card per (channel, digest date, paper).

    Adapters derive their idempotency tokens from it (Discord's nonce, Slack's message
    metadata), so a retried send can be recognised instead of posted twice.
    """

    channel: str
    digest_date: str
    paper: str  # arXiv id, or "header" for the digest header card

    @property
    def token(self) -> str:
        """A short deterministic token (Discord nonces are at most 25 characters)."""
        digest = hashlib.blake2b(
            f"{self.channel}|{self.digest_date}|{self.paper}".encode(), digest_size=12
        )
        return digest.hexdigest()[:25]


@dataclass(frozen=True, slots=True)
class Posted:
    """The platform's confirmation: its id for the message (Discord id, Slack ``ts``)."""

    message_id: str
    thread_id: str | None = None


class Poster(Protocol):
    """Sends cards to one platform."""

    platform: str

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Post the digest header card that opens a day's posts."""
        ...

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Post one paper card, optionally in the thread under the day's header."""
        ...
