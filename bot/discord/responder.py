"""Answering interactions: replies within Discord's 3 seconds, menus, pages and sharing.

Discord kills an interaction token that gets no response within 3 seconds. Most lookups take
milliseconds, and a deferred answer costs a second request and shows "thinking…", so the
lookup is started first and the interaction is deferred only if the answer is not ready after
:data:`DEFER_AFTER` seconds; then it follows up (the first followup replaces the "thinking"
message). Answers are ephemeral; "Post to channel" runs the
:class:`~bot.core.answers.query.Query` its ``custom_id`` carries again and posts the answer once,
with a nonce, for everyone.

Whatever Discord refuses (discord.py raises :class:`discord.HTTPException` for every error
status: an invalid form body, an expired token) is logged with Discord's reason, and the user
gets a short apology in place of the answer, never silence or "This interaction failed".

Rendered replies (keyed by their query) and autocomplete choices are kept while the archive is
unchanged (:mod:`bot.core.answers.cache`): when fifty people ask at once, each answer they share
is looked up and rendered once, and the last of them does not wait for the same work fifty times.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, Final, Literal

import discord
from discord import app_commands

from bot.core.answers.cache import AnswerCache
from bot.core.answers.paper_answers import answer_digest
from bot.core.answers.query import Query, run_query
from bot.core.archive.lookup import NotFound, SectionPage
from bot.core.archive.repositories import ArchiveVersion, UnwatchedVersion
from bot.core.delivery.poster import PostKey
from bot.core.errors import StorageError

from . import notices
from .components import share_id
from .poster import NO_MENTIONS, send_message
from .replies import Message, Reply, render_reply
from .turns import Turns

if TYPE_CHECKING:
    from bot.core.archive.lookup import Lookup
    from bot.core.voice.desk import VoiceDesk

__all__ = [
    "CACHE_SIZE",
    "DEFER_AFTER",
    "DEFER_WHEN_MAKING",
    "ChoiceKey",
    "Choices",
    "Responder",
]

_log = logging.getLogger(__name__)

#: Seconds to wait for an answer before deferring: well inside Discord's 3 s (limits
#: ``INTERACTION_DEADLINE``), leaving room for the network and for rendering.
DEFER_AFTER: Final = 1.0
#: Replies (and choice lists) kept: a card's reply holds ~30 kB of objects, so ~15 MB at most.
CACHE_SIZE: Final = 512
#: Replies being made at once from which the next is deferred at once. Making one takes 1-2 ms
#: of the event loop when its sections are rendered for the first time (benchmarks/
#: discord_bench.py, cold), so the last of fifty simultaneous commands would wait ~100 ms for
#: its turn; deferred, it is acknowledged at once and answered when its turn comes.
DEFER_WHEN_MAKING: Final = 8
_FAILED: Final = "Something went wrong while answering; it has been logged. Please try again."
_REFUSED: Final = (
    "Sorry, Discord would not accept my answer (error {code}). "
    "It has been logged for whoever runs paperbot."
)
_BUSY: Final = (
    "Sorry, Discord could not take my answer just now (error {code}). "
    "It has been logged; please try again in a moment."
)
_CANNOT_POST: Final = (
    "I cannot post in this channel: paperbot needs the View Channel, Send Messages and "
    "Embed Links permissions here."
)


Choices = list[app_commands.Choice[str]]
ChoiceKey = tuple[Literal["paper", "date"], str]
"""An autocomplete request: which list, and what was typed (not a query: nothing is answered)."""


def _describe(interaction: discord.Interaction[Any]) -> str:
    """What the user did, for a log line: ``/paper``, or the component's ``custom_id``."""
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: Any = interaction.data or {}
    return f"component {data.get('custom_id', '?')}"


def _reason(error: discord.HTTPException) -> str:
    """Discord's status, code and explanation (field errors included), on one line."""
    return " ".join(str(error).split())


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
    if message.files:
        kwargs["files"] = list(message.files)
    return kwargs


class Responder:
    """Sends replies to interactions and handles paperbot's components.

    It is the :class:`~bot.discord.components.ComponentHandler` the client exposes as
    ``components``.

    Args:
        lookup: The archive's query service.
        defer_after: Seconds to wait for an answer before deferring; ``0`` always defers.
        voice: When given, every command's answer is followed by the member's notice, if
            the voice desk has one for them (their follow DMs failed), once.
    """

    def __init__(
        self, lookup: Lookup, *, defer_after: float = DEFER_AFTER, voice: VoiceDesk | None = None
    ) -> None:
        self.lookup = lookup
        self.defer_after = defer_after
        self.voice = voice
        self._version: ArchiveVersion = UnwatchedVersion()  # nothing kept until warm_up() watches
        self.turns = Turns(busy_at=DEFER_WHEN_MAKING)
        self.replies: AnswerCache[Query, Reply] = AnswerCache(self._archive, size=CACHE_SIZE)
        self.choices: AnswerCache[ChoiceKey, Choices] = AnswerCache(self._archive, size=CACHE_SIZE)

    def _archive(self) -> Hashable:
        return self._version.current()

    async def warm_up(self) -> int:
        """Watch the archive and render the newest digest's cards.

        Replies are kept once the archive is watched, and the first requests after a restart
        find today's section bodies rendered.

        Returns:
            How many cards were rendered (0 for an empty archive).
        """
        if not self._version.watching:
            try:
                self._version = await self.lookup.store.watch_version()
            except StorageError:  # answering without a cache is slower, not wrong
                _log.warning("cannot watch the archive; replies will not be kept", exc_info=True)
        summary = await answer_digest(self.lookup)
        if isinstance(summary, NotFound):
            return 0
        for item in summary.papers:
            query = Query("paper", item.arxiv_id, date=summary.date.isoformat())
            await self.reply_to(query, usage_of="paper")
        return len(summary.papers)

    def forget(self) -> None:
        """Drop every kept reply and choice list (benchmarks measure the cold path with it)."""
        self.replies.clear()
        self.choices.clear()

    def close(self) -> None:
        """Stop watching the archive (nothing is kept from then on)."""
        self._version.close()
        self.forget()

    async def reply_to(self, query: Query, *, usage_of: str) -> Reply:
        """Run ``query`` and render its answer ephemerally (a miss shows ``usage_of``'s usage)."""
        return render_reply(
            query, await run_query(self.lookup, query), usage_of=usage_of, private=True
        )

    # -- sending -------------------------------------------------------------------------

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        key: Query | None,
        make: Callable[[], Awaitable[Reply]],
        *,
        defer: bool = False,
    ) -> None:
        """Answer ephemerally: with the reply kept for ``key`` at once, else with ``make()``'s.

        A command's answer is followed by the asker's notice from the voice desk, if any:
        every command of every cog answers through here, so the notice is asked in one place.

        A reply still to be made is deferred first when ``defer`` says so or when
        :data:`DEFER_WHEN_MAKING` others are being made already (it would wait for all of
        them; :mod:`bot.discord.turns`), and deferred when it is not ready after
        ``defer_after`` seconds.

        Args:
            interaction: The command or component interaction to answer.
            key: The query answered, to keep the reply under; ``None`` keeps nothing.
            make: The lookup and rendering; started at once, or once deferred.
            defer: Defer without waiting, for work known to take a moment (a full-text
                search over years of digests).
        """
        notice = notices.ask(self.voice, interaction)
        try:
            await self._reply(interaction, key, make, defer=defer)
        except BaseException:
            if notice is not None:
                notice.cancel()
            raise
        if notice is not None:
            await notices.tell(interaction, notice)

    async def _reply(
        self,
        interaction: discord.Interaction[Any],
        key: Query | None,
        make: Callable[[], Awaitable[Reply]],
        *,
        defer: bool,
    ) -> None:
        kept = self.replies.peek(key) if key is not None else None
        if kept is not None and self.defer_after > 0:
            async with self._failing_politely(interaction):
                await self.send(interaction, kept)
            return
        work = make if key is None else (lambda: self.replies.get(key, make))
        with self.turns.making():
            if defer or self.defer_after <= 0 or self.turns.busy:
                await self._answer_later(interaction, work)
            else:
                await self._answer_now(interaction, work)

    async def _answer_later(
        self, interaction: discord.Interaction[Any], work: Callable[[], Awaitable[Reply]]
    ) -> None:
        """Defer, let the answers owed now be made first, then make this one and follow up."""
        async with self._failing_politely(interaction):
            await self._defer(interaction)
            await self.turns.after_owed()
            await self.send(interaction, await work())

    async def _answer_now(
        self, interaction: discord.Interaction[Any], work: Callable[[], Awaitable[Reply]]
    ) -> None:
        """Make the reply and answer with it, deferring if it takes over ``defer_after``."""
        task: asyncio.Future[Reply] | None = None
        try:
            async with self._failing_politely(interaction):
                with self.turns.owed_now():
                    task = asyncio.ensure_future(work())
                    await asyncio.wait({task}, timeout=self.defer_after)
                if not task.done():
                    await self._defer(interaction)
                await self.send(interaction, await task)
        finally:
            if task is not None and not task.done():
                task.cancel()

    @staticmethod
    async def _defer(interaction: discord.Interaction[Any]) -> None:
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

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

    async def show_section(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """The section menu: the chosen section whole, to the one who chose it.

        The query is the one ``/section NAME PAPER DATE`` asks, so either finds the other's reply.
        """
        await self.answer(interaction, query, lambda: self.reply_to(query, usage_of="section"))

    async def open_paper(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """A listing's menu: the chosen paper's card, to the one who chose it.

        The query is the one ``/paper ID DATE`` asks (pinned to the listing's digest), so the
        card is kept once for everyone who picks it from the same listing.
        """
        await self.answer(interaction, query, lambda: self.reply_to(query, usage_of="paper"))

    async def turn_page(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """Replace a section page with another page of the same digest."""
        async with self._failing_politely(interaction):
            found = await run_query(self.lookup, query)
            if not isinstance(found, SectionPage):
                reply = render_reply(query, found, usage_of="section", private=True)
                await self.send(interaction, reply)
                return
            private = interaction.message is not None and interaction.message.flags.ephemeral
            reply = render_reply(query, found, usage_of="section", private=private)
            message = reply.messages[0]
            await interaction.response.edit_message(embeds=list(message.embeds), view=message.view)

    async def share(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """ "Post to channel": run the query again and post the answer for everyone, once.

        The nonce comes from (channel, what is shared, part), so two clicks, or two people
        sharing the same card within Discord's nonce window, make one message.
        """
        async with self._failing_politely(interaction):
            await interaction.response.defer(ephemeral=True, thinking=True)
            found = await run_query(self.lookup, query)
            reply = render_reply(query, found, usage_of=query.kind, private=False)
            if isinstance(found, NotFound):
                await self.send(interaction, reply)
                return
            channel_id = interaction.channel_id or 0
            channel = interaction.client.get_partial_messageable(
                channel_id, guild_id=interaction.guild_id
            )
            shared = share_id(query) or query.encode()  # the id clicked: it fitted
            posted: list[discord.Message] = []
            try:
                for part, message in enumerate(reply.messages):
                    key = PostKey(str(channel_id), "share", f"{shared}#{part}")
                    posted.append(await send_message(channel, message, nonce=key.token))
            except discord.Forbidden:
                await self.say(interaction, _CANNOT_POST)
                return
            _log.info("shared %s in channel %s", shared, channel_id)
            await self.say(interaction, f"Posted: {posted[0].jump_url}")

    def politely(
        self, interaction: discord.Interaction[Any]
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Around an answer sent by hand: a refusal or failure is logged and apologised for."""
        return self._failing_politely(interaction)

    @contextlib.asynccontextmanager
    async def _failing_politely(self, interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
        """Log a refusal or a failure and tell the user, rather than leave "thinking…" on screen."""
        try:
            yield
        except discord.HTTPException as error:
            _log.warning(
                "Discord refused the answer to %s (interaction %s): %s",
                _describe(interaction),
                interaction.id,
                _reason(error),
            )
            busy = error.status == 429 or error.status >= 500  # Discord's trouble, not ours
            text = _BUSY if busy else _REFUSED
            await self.apologise(interaction, text.format(code=error.code or error.status))
        except Exception:
            _log.exception(
                "failed to answer %s (interaction %s)", _describe(interaction), interaction.id
            )
            await self.apologise(interaction, _FAILED)

    async def apologise(self, interaction: discord.Interaction[Any], text: str = _FAILED) -> None:
        """Tell the user their answer is not coming; log it when even that is refused."""
        try:
            await self.say(interaction, text)
        except discord.HTTPException as error:
            _log.warning(
                "Discord refused the apology for %s too: %s",
                _describe(interaction),
                _reason(error),
            )
