"""The console channel: cards as rich panels in the terminal.

The embedded default when no chat credentials are configured, so a new user sees exactly what
a channel would receive (same cards, same order, same sections) without creating a bot.
Bodies are shown whole (:mod:`bot.console.render`): a terminal has no message limit. Nor does it
give a receipt: a card is recorded as shown after it is printed, so a process killed in between
shows it again (:meth:`ConsolePoster.find_message` cannot find it). The console is one channel,
:data:`~bot.core.delivery.poster.CONSOLE_CHANNEL`, whatever ``channel`` it is given.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from bot.core.cards.card import Card, DigestHeaderCard
from bot.core.cards.listing import DigestListing, Fits, ListingItem
from bot.core.delivery.poster import Posted, PostKey

from .render import render_card, render_listing
from .terminal import TerminalConsole

__all__ = ["ConsolePoster"]


class ConsolePoster:
    """A :class:`~bot.core.delivery.poster.Poster` that prints to a terminal."""

    platform = "console"
    edit_interval = 0.0
    threads = False

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or TerminalConsole()
        self._ids = itertools.count(1)

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Print the day's header as a rule."""
        self.console.print(Rule(Text(header.title, style="bold magenta")))
        return Posted(message_id=f"console-{next(self._ids)}")

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Print one card."""
        self.console.print(render_card(card))
        return Posted(message_id=f"console-{next(self._ids)}", thread_id=thread)

    async def post_listing(self, channel: str, listing: DigestListing, *, key: PostKey) -> Posted:
        """Print one page of a digest listing as a panel."""
        self.console.print(render_listing(listing))
        return Posted(message_id=f"console-{next(self._ids)}")

    async def edit_counts(self, channel: str, message_id: str, card: Card) -> None:
        """A printed card cannot change: the console has no buttons to count on."""

    def listing_fits(self) -> Fits:
        """A terminal has no message limit: a whole listing is one page."""

        def fits(items: Sequence[ListingItem]) -> bool:
            return True

        return fits

    async def find_message(
        self, where: str, key: PostKey, *, since: float | None, limit: int | None = None
    ) -> str | None:
        """A terminal keeps no history: an interrupted console post is shown again."""
        return None

    async def find_reply(
        self,
        channel: str,
        thread: str,
        key: PostKey,
        *,
        since: float | None,
        limit: int | None = None,
    ) -> str | None:
        """No threads, no history: nothing is ever found."""
        return None
