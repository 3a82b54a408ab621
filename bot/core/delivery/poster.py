"""The interfaces the core needs from the outside world.

Adapters (Discord, Slack, console) implement :class:`Poster`; their tests use the real adapters
against loopback fakes of the platforms, and core tests a whole in-memory poster
(``tests/fakes/memory_poster.py``), never a mock of this protocol.

A failed send raises one of these, which tell the delivery worker what to do::

    DeliveryError                 base: something kept a message from being posted
    ├── RateLimited               429: wait ``retry_after`` seconds, then send again
    ├── TransientError            5xx, timeout, dropped connection: back off and retry
    ├── ChannelUnavailable        403/404, not_in_channel, archived, bad token: pause channel
    └── MessageRejected           the platform refuses this message (400): fail this row only
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from bot.core.cards.card import Card, DigestHeaderCard
from bot.core.cards.listing import DigestListing, Fits

__all__ = [
    "CONSOLE_CHANNEL",
    "ChannelUnavailable",
    "DeliveryError",
    "GlobalLimitListener",
    "GlobalLimitSource",
    "MessageRejected",
    "PostKey",
    "Posted",
    "Poster",
    "RateLimited",
    "TransientError",
]

#: The console's one channel: ``post`` and ``serve`` print to the same terminal, so they share
#: one outbox history (a config's channel name for the console is ignored).
CONSOLE_CHANNEL: Final = "console"


class DeliveryError(Exception):
    """A message was not posted; the subclass says whether and when to try again."""


class RateLimited(DeliveryError):
    """The platform said 429; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """A server error, timeout or dropped connection: the same send may work later."""


class ChannelUnavailable(DeliveryError):
    """Permission or target error: nothing will reach this channel until someone fixes it."""


class MessageRejected(DeliveryError):
    """The platform refused this message itself; other messages may still go."""


@dataclass(frozen=True, slots=True)
class PostKey:
    """What makes a post unique: one card per (channel, digest date, paper).

    Adapters derive their idempotency tokens from it (Discord's nonce, Slack's message
    metadata), so a retried send can be recognised instead of posted twice.
    """

    channel: str
    digest_date: str
    paper: str  # arXiv id, "header" for the digest header card, "listing-N" for a listing page

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
    """Sends cards to one platform, and finds them again in its history.

    The two ``find_*`` primitives are what :mod:`bot.core.delivery.reconcile` needs to answer
    "was this message already posted?" after a crash or a lost answer; the flow itself (where
    to look, in which order) is written once there, not in each adapter. They raise the
    :class:`DeliveryError` tree like a send, and return ``None`` when nothing is found (a
    channel or thread that no longer exists included).
    """

    platform: str
    #: Seconds between two count edits on this platform (0: the client paces them itself):
    #: Slack's ``chat.update`` is a Tier 3 method, 50 a minute per workspace.
    edit_interval: float

    @property
    def threads(self) -> bool:
        """Whether a header opens a thread for the day's cards (its id is the header's)."""
        ...

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Post the digest header card that opens a day's posts."""
        ...

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Post one paper card, optionally in the thread under the day's header."""
        ...

    async def post_listing(self, channel: str, listing: DigestListing, *, key: PostKey) -> Posted:
        """Post one page of a digest listing (``digest`` and ``weekly`` mode)."""
        ...

    async def edit_counts(self, channel: str, message_id: str, card: Card) -> None:
        """Show ``card.counts`` on the 👍/🔖 buttons of a card posted as ``message_id``.

        Raises the :class:`DeliveryError` tree like a send (a deleted message is
        :class:`MessageRejected` or :class:`ChannelUnavailable`: the edit is dropped).
        """
        ...

    def listing_fits(self) -> Fits:
        """What one listing page may hold here (for :func:`~bot.core.cards.listing.pack`)."""
        ...

    async def find_message(
        self, where: str, key: PostKey, *, since: float | None, limit: int | None = None
    ) -> str | None:
        """Id of our message for ``key`` in channel ``where``, posted at ``since`` or later.

        Args:
            since: Epoch seconds; ``None`` reads the newest messages whatever their age.
            limit: Read at most about this many of the newest messages; ``None`` reads the
                poster's own bounded amount (a few hundred to a few thousand).
        """
        ...

    async def find_reply(
        self,
        channel: str,
        thread: str,
        key: PostKey,
        *,
        since: float | None,
        limit: int | None = None,
    ) -> str | None:
        """Id of our message for ``key`` among the replies in ``thread`` (a header's thread).

        ``since`` and ``limit`` as in :meth:`find_message`, where the platform can apply them
        (a Slack thread is read from its start, whatever they say).
        """
        ...


class GlobalLimitListener(Protocol):
    """Told when the platform holds back every request, and when it takes them again."""

    def pause(self) -> None:
        """The platform refused a request for the whole bot (Discord's global 429)."""
        ...

    def resume(self) -> None:
        """The platform accepted a request."""
        ...


@runtime_checkable
class GlobalLimitSource(Protocol):
    """A poster that can tell its pacing when the platform's limit for the whole bot is hit.

    Discord's client library sleeps out a global 429 by itself, so the worker never sees it;
    the poster watches its responses and tells the listener (the platform's
    :class:`~bot.core.delivery.pacing.Pacer`) to stop handing out turns meanwhile. Optional:
    Slack's limits are per method and channel, and its poster raises :class:`RateLimited`.
    """

    def watch_global_limit(self, listener: GlobalLimitListener) -> None:
        """Call ``listener.pause()`` on each global refusal, ``resume()`` on each success."""
        ...
