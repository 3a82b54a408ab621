"""Answering interactions: replies within Discord's 3 seconds, menus, pages and sharing.

Discord kills an interaction token that gets no response within 3 seconds. Most lookups take
milliseconds, and a deferred answer costs a second request and shows "thinking…", so the
lookup is started first and the interaction is deferred only if the answer is not ready after
:data:`DEFER_AFTER` seconds; then it follows up (the first followup replaces the "thinking"
message). Answers are ephemeral; "Post to channel" regenerates the same answer from the
button's ``custom_id`` and posts it once, with a nonce, for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core.answers import answer_digest, answer_paper, answer_search, answer_section
from bot.core.lookup import NotFound, SectionPage
from bot.core.ports import PostKey

from .poster import NO_MENTIONS, deliver
from .replies import Message, Reply, render_answer

if TYPE_CHECKING:
    from bot.core.lookup import Lookup

    from .replies import Answer
    from .views import Share

__all__ = ["DEFER_AFTER", "Responder"]

_log = logging.getLogger(__name__)

#: Seconds to wait for an answer before deferring: well inside Discord's 3 s (limits
#: ``INTERACTION_DEADLINE``), leaving room for the network and for rendering.
DEFER_AFTER: Final = 1.0
_FAILED: Final = "Something went wrong while answering; it has been logged. Please try again."
_CANNOT_POST: Final = (
    "I cannot post in this channel: paperbot needs the View Channel, Send Messages and "
    "Embed Links permissions here."
)


def _date(date: str) -> str | None:
    return None if date in ("", "undated") else date


def _kwargs(message: Message, *, ephemeral: bool) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "embeds": list(message.embeds),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if message.view is not None:
        kwargs["view"] = message.view
    if message.content:
        kwargs["content"] = message.content
    return kwargs


class Responder:
    """Sends replies to interactions and handles paperbot's components.

    It is the :class:`~bot.discord.views.ComponentHandler` the client exposes as
    ``components``.

    Args:
        lookup: The archive's query service.
        defer_after: Seconds to wait for an answer before deferring; ``0`` always defers.
    """

    def __init__(self, lookup: Lookup, *, defer_after: float = DEFER_AFTER) -> None:
        self.lookup = lookup
        self.defer_after = defer_after

    async def warm_up(self) -> int:
        """Render the newest digest's cards now, so the first requests after a restart are fast.

        Returns:
            How many cards were rendered (0 for an empty archive).
        """
        summary = await answer_digest(self.lookup)
        if isinstance(summary, NotFound):
            return 0
        for item in summary.papers:
            found = await answer_paper(self.lookup, item.arxiv_id, None, summary.date.isoformat())
            render_answer(found, command="paper", private=True)
        return len(summary.papers)

    # -- sending -------------------------------------------------------------------------

    async def answer(
        self, interaction: discord.Interaction[Any], work: Awaitable[Reply], *, defer: bool = False
    ) -> None:
        """Answer ephemerally with what ``work`` produces, deferring if it takes a while.

        Args:
            interaction: The command or component interaction to answer.
            work: The lookup and rendering; started at once.
            defer: Defer without waiting, for work known to take a moment (a full-text
                search over years of digests).
        """
        task = asyncio.ensure_future(work)
        try:
            async with self._failing_politely(interaction):
                if self.defer_after > 0 and not defer:
                    await asyncio.wait({task}, timeout=self.defer_after)
                if not task.done():
                    await interaction.response.defer(ephemeral=True, thinking=True)
                await self.send(interaction, await task)
        finally:
            if not task.done():
                task.cancel()

    async def send(
        self, interaction: discord.Interaction[Any], reply: Reply, *, ephemeral: bool = True
    ) -> None:
        """Send every message of ``reply``: the response first, then followups."""
        for message in reply.messages:
            kwargs = _kwargs(message, ephemeral=ephemeral)
            if interaction.response.is_done():
                await interaction.followup.send(**kwargs)
            else:
                await interaction.response.send_message(**kwargs)

    async def say(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A short ephemeral note (errors, confirmations)."""
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    # -- components ----------------------------------------------------------------------

    async def show_section(
        self, interaction: discord.Interaction[Any], paper: str, date: str, section: str
    ) -> None:
        """The section menu: the chosen section whole, to the one who chose it."""
        await self.answer(interaction, self._section(paper, date, section))

    async def _section(self, paper: str, date: str, section: str) -> Reply:
        found = await answer_section(self.lookup, section, paper, _date(date))
        return render_answer(found, command="section", private=True)

    async def turn_page(
        self, interaction: discord.Interaction[Any], section: str, date: str, page: int
    ) -> None:
        """Replace a section page with another page of the same digest."""
        async with self._failing_politely(interaction):
            found = await answer_section(self.lookup, section, None, _date(date), page=page)
            if not isinstance(found, SectionPage):
                await self.send(interaction, render_answer(found, command="section", private=True))
                return
            private = interaction.message is not None and interaction.message.flags.ephemeral
            message = render_answer(found, command="section", private=private).messages[0]
            await interaction.response.edit_message(embeds=list(message.embeds), view=message.view)

    async def share(self, interaction: discord.Interaction[Any], share: Share) -> None:
        """ "Post to channel": regenerate the answer and post it for everyone, once.

        The nonce comes from (channel, what is shared, part), so two clicks, or two people
        sharing the same card within Discord's nonce window, make one message.
        """
        async with self._failing_politely(interaction):
            await interaction.response.defer(ephemeral=True, thinking=True)
            found = await self._regenerate(share)
            reply = render_answer(found, command=share.kind, private=False)
            if isinstance(found, NotFound):
                await self.send(interaction, reply)
                return
            channel_id = interaction.channel_id or 0
            channel = interaction.client.get_partial_messageable(
                channel_id, guild_id=interaction.guild_id
            )
            posted: list[discord.Message] = []
            try:
                for part, message in enumerate(reply.messages):
                    key = PostKey(str(channel_id), "share", f"{share.custom_id}#{part}")
                    posted.append(await deliver(channel, message, nonce=key.token))
            except discord.Forbidden:
                await self.say(interaction, _CANNOT_POST)
                return
            _log.info("shared %s in channel %s", share.custom_id, channel_id)
            await self.say(interaction, f"Posted: {posted[0].jump_url}")

    @contextlib.asynccontextmanager
    async def _failing_politely(self, interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
        """Log a failure and tell the user, rather than leave "thinking…" on screen."""
        try:
            yield
        except Exception:
            _log.exception("failed to handle component interaction %s", interaction.id)
            with contextlib.suppress(discord.HTTPException):
                await self.say(interaction, _FAILED)

    async def _regenerate(self, share: Share) -> Answer:
        args = share.args
        if share.kind == "paper":
            return await answer_paper(self.lookup, args[0], None, _date(args[1]))
        if share.kind == "section":
            return await answer_section(self.lookup, args[0], args[1], _date(args[2]))
        if share.kind == "page":
            page = int(args[2]) if args[2].isdigit() else 1
            return await answer_section(self.lookup, args[0], None, _date(args[1]), page=page)
        if share.kind == "digest":
            return await answer_digest(self.lookup, _date(args[0]))
        return await answer_search(self.lookup, args[0])
