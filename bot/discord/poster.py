"""Posting cards to a channel: the Discord implementation of
:class:`~bot.core.delivery.poster.Poster`.

Every message goes out with ``allowed_mentions`` none, so a summary quoting ``@everyone`` pings
nobody, and with a nonce derived from (channel, digest date, paper): discord.py always sends
``enforce_nonce``, so a send retried within Discord's nonce window returns the message Discord
already created instead of posting a second card.

Beyond that window (a crash, a long back-off), :mod:`bot.core.delivery.reconcile` looks
through the channel's history with :meth:`DiscordPoster.find_message` (a thread is a channel):
Discord does not return nonces there, but our own message with the key's paper and date in its
footer (or the day's header title, see :mod:`bot.discord.marker`) is the key itself, since
history is read per channel. The same check runs at once after an ambiguous failure (a 5xx, a
timeout, a lost reply), so a send that did land is reported as the post it was.

A channel ``dm:<user id>`` (:func:`~bot.core.voice.members.dm_channel`, a ``/follow``
delivery) is that user's direct messages: the DM is opened with ``POST /users/@me/channels``
and everything else is as in a channel; a user who refuses DMs (403 / 50007) or whom Discord
does not know (404 / 10013) is ``ChannelUnavailable``, so the worker pauses that DM channel.
Logs and failure reasons name such a channel by :func:`~bot.core.voice.members.loggable`
only: a user id never reaches them.

Only REST is used (``get_partial_messageable`` needs no cache), so a poster works after
``client.login(token)`` without ever opening the gateway: ``paperbot post`` uses
:func:`discord_poster` and is done in seconds. Each request is limited to ``[discord]
request_timeout`` (see :mod:`bot.discord.request_timeout`); one that runs out is a lost reply
like any other. Failures are raised as the :mod:`bot.core.delivery.poster` tree (see
:mod:`bot.discord.errors`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core.delivery.poster import ChannelUnavailable, GlobalLimitListener, Posted, PostKey
from bot.core.delivery.reconcile import find_recent
from bot.core.voice.members import dm_user, loggable
from bot.discord.components import card_view

from .endpoints import use_endpoints
from .errors import (
    LOGIN_ERRORS,
    SEND_ERRORS,
    TOKEN_ENV,
    DiscordSetupError,
    delivery_error,
    is_ambiguous,
    login_error,
)
from .global_limit import GlobalLimitWatch
from .limits import THREAD_NAME_MAX
from .listing import listing_fits, listing_message
from .marker import header_title, is_for
from .platform import CHANNEL_IDS
from .render import card_embed, header_embed
from .replies import Message
from .request_timeout import limit_each_request, request_timeout_trace
from .voice import without_voice

if TYPE_CHECKING:
    from bot.core.cards.card import Card, DigestHeaderCard
    from bot.core.cards.listing import DigestListing, Fits
    from bot.discord.config import DiscordConfig

__all__ = ["MAX_RATE_LIMIT_WAIT", "NO_MENTIONS", "DiscordPoster", "discord_poster", "send_message"]

_log = logging.getLogger(__name__)

#: Sent with every message: ``{"parse": []}``, nobody is pinged whatever the text says.
NO_MENTIONS: Final = discord.AllowedMentions.none()
#: Seconds discord.py may wait out a 429 itself (its minimum); a longer wait is raised as
#: ``RateLimited`` so the delivery worker schedules it on its own clock instead of blocking.
MAX_RATE_LIMIT_WAIT: Final = 30.0
_THREAD_EXISTS: Final = 160004  # "A thread has already been created for this message"
#: A day's thread archives after a day without posts (Discord allows 60, 1440, 4320, 10080).
_ARCHIVE_MINUTES: Final = 1440
#: Messages read per search of a channel's history (Discord pages by 100): a bounded cost.
_HISTORY: Final = 1000
_DISCORD_EPOCH: Final = 1_420_070_400.0  # 2015-01-01: snowflakes cannot be older


async def send_message(
    channel: discord.abc.Messageable, message: Message, *, nonce: str
) -> discord.Message:
    """Send one :class:`~bot.discord.replies.Message` with no mentions and a nonce."""
    kwargs: dict[str, Any] = {"embeds": list(message.embeds)}
    if message.view is not None:
        kwargs["view"] = message.view
    if message.content:
        kwargs["content"] = message.content
    return await channel.send(nonce=nonce, allowed_mentions=NO_MENTIONS, **kwargs)


class DiscordPoster:
    """Posts digest headers and cards to Discord channels by id.

    Args:
        client: A client that has at least logged in (``await client.login(token)``).
        threads: Open a public thread on each header, named after it, and return its id in
            :attr:`Posted.thread_id` so a day's cards can be posted inside it.
        global_limit: The watch hooked into ``client``'s ``http_trace`` (see
            :func:`discord_poster`); without one, :meth:`watch_global_limit` tells nobody.
    """

    platform = "discord"
    edit_interval = 0.0  # discord.py waits on each route's bucket itself

    def __init__(
        self,
        client: discord.Client,
        *,
        threads: bool = False,
        global_limit: GlobalLimitWatch | None = None,
    ) -> None:
        self._client = client
        self._threads = threads
        self._dms: dict[str, int] = {}  # user id → DM channel id (Discord returns the same)
        self._global_limit = global_limit

    def watch_global_limit(self, listener: GlobalLimitListener) -> None:
        """Pause ``listener`` (the delivery pacing) while Discord's global limit holds."""
        if self._global_limit is not None:
            self._global_limit.watch(listener)

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Post the header embed that opens a day's posts (and its thread, if enabled)."""
        message_id = await self._send(channel, Message((header_embed(header),)), key)
        _log.info(
            "posted the %s header to channel %s as %s",
            key.digest_date,
            loggable(channel),
            message_id,
        )
        if not self._threads:
            return Posted(message_id)
        title = header_title(header)
        return Posted(message_id, await self._open_thread(channel, message_id, title))

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Post one card with its section menu and links, in ``thread`` when given."""
        message = Message((card_embed(card),), card_view(card))
        message_id = await self._send(channel, message, key, thread)
        where = loggable(channel)
        _log.info("posted %s (%s) to %s as %s", key.paper, key.digest_date, where, message_id)
        return Posted(message_id, thread)

    async def post_listing(self, channel: str, listing: DigestListing, *, key: PostKey) -> Posted:
        """Post one page of a digest listing: its lines and "Open…" menus, never in a thread."""
        message_id = await self._send(channel, listing_message(listing, key), key)
        where = loggable(channel)
        _log.info("posted %s (%s) to %s as %s", key.paper, key.digest_date, where, message_id)
        return Posted(message_id)

    async def edit_counts(self, channel: str, message_id: str, card: Card) -> None:
        """Show the card's counts on its buttons: the components only, its embed untouched.

        ``message_id`` is ``THREAD/MESSAGE`` for a card inside a day's thread (a thread is a
        channel of its own), else the message's id in ``channel``.
        """
        thread, _, message = message_id.rpartition("/")
        what = f"editing the counts of {card.arxiv_id} in {loggable(thread or channel)}"
        try:
            partial = (await self._target(thread or channel)).get_partial_message(int(message))
            async with limit_each_request():
                await partial.edit(view=card_view(card))
        except (*SEND_ERRORS, ValueError) as error:
            raise delivery_error(error, what) from error

    def listing_fits(self) -> Fits:
        """A page fits when its embed and menus pass every Discord limit, uncut."""
        return listing_fits()

    @property
    def threads(self) -> bool:
        """Whether each header opens a thread (with the header's id) for the day's cards."""
        return self._threads

    async def find_message(
        self, where: str, key: PostKey, *, since: float | None, limit: int | None = None
    ) -> str | None:
        """Id of our message for ``key`` in channel (or thread) ``where``, posted since ``since``.

        Reads up to 1,000 messages of history, or ``limit``; needs Read Message History (in
        the invite's permissions). A channel that does not exist has nothing: ``None``.
        """
        what = f"looking for {key.paper} ({key.digest_date}) in {loggable(where)}"
        try:
            return await self._search(where, key, after=since, limit=limit or _HISTORY)
        except discord.NotFound:
            return None  # no such channel or thread: nothing was posted there
        except SEND_ERRORS as error:
            raise delivery_error(error, what) from error

    async def find_reply(
        self,
        channel: str,
        thread: str,
        key: PostKey,
        *,
        since: float | None,
        limit: int | None = None,
    ) -> str | None:
        """Id of our message for ``key`` in ``thread``: a thread is a channel with its own id."""
        return await self.find_message(thread, key, since=since, limit=limit)

    @property
    def application_id(self) -> int | None:
        """The application the token belongs to (read at login): for ``invite_url``."""
        return self._client.application_id

    def _channel(self, channel: str) -> discord.PartialMessageable:
        """The channel to send to or read, without a request.

        Raises:
            ChannelUnavailable: ``channel`` is not a number, so no request can name it (ids
                are checked where they are typed; this catches rows planned before that).
        """
        try:
            return self._client.get_partial_messageable(int(channel))
        except ValueError:
            raise ChannelUnavailable(
                CHANNEL_IDS.problem(channel) or f"{channel!r} is not a channel id"
            ) from None

    async def _target(self, channel: str) -> discord.PartialMessageable:
        """The channel to send to or read; for ``dm:<user id>``, that user's DM (opened once).

        Raises:
            discord.HTTPException: Discord would not open the DM (404 / 10013 Unknown User),
                to be sorted by :func:`~bot.discord.errors.delivery_error` like a send.
            ChannelUnavailable: ``channel`` names no channel or user that can be asked for.
        """
        user = dm_user(channel)
        if user is None:
            return self._channel(channel)
        dm = self._dms.get(user)
        if dm is None:
            if not user.isdigit():
                raise ChannelUnavailable(f"{loggable(channel)} names no Discord user")
            opened = await self._client.http.start_private_message(int(user))
            dm = self._dms[user] = int(opened["id"])
        return self._client.get_partial_messageable(dm)

    async def _send(
        self, channel: str, message: Message, key: PostKey, thread: str | None = None
    ) -> str:
        target = thread or channel
        what = f"posting {key.paper} ({key.digest_date}) to {loggable(target)}"
        try:
            async with limit_each_request():
                sent = await send_message(await self._target(target), message, nonce=key.token)
        except (*SEND_ERRORS, ValueError) as error:  # ValueError: a request that cannot be built
            failure = delivery_error(error, what)
            if not is_ambiguous(error):
                raise failure from error
            found = await find_recent(self, channel, key, thread)
            if found is None:
                raise failure from error
            _log.warning("%s: the reply was lost but Discord has the message (%s)", what, found)
            return found
        return str(sent.id)

    async def _search(
        self, channel: str, key: PostKey, *, after: float | None, limit: int
    ) -> str | None:
        """Id of our message for ``key`` among ``channel``'s messages (newer than ``after``)."""
        start = None
        if after is not None:
            moment = dt.datetime.fromtimestamp(max(after, _DISCORD_EPOCH), tz=dt.UTC)
            start = discord.Object(discord.utils.time_snowflake(moment))
        bot = self._client.user.id if self._client.user else None
        async with limit_each_request():
            found = await self._target(channel)
            async for message in found.history(limit=limit, after=start):
                if message.author.id == bot and is_for(message, key):
                    return str(message.id)
        return None

    async def _open_thread(self, channel: str, message_id: str, title: str) -> str:
        """A public thread on the header (REST only: ``Message.create_thread`` needs a cache)."""
        what = f"opening the thread of {title!r} in {loggable(channel)}"
        try:
            async with limit_each_request():
                thread = await self._client.http.start_thread_with_message(
                    channel,
                    message_id,
                    name=title[:THREAD_NAME_MAX],
                    auto_archive_duration=_ARCHIVE_MINUTES,
                )
        except discord.HTTPException as error:
            if error.code == _THREAD_EXISTS:
                return message_id  # a retried header: its thread has the message's id
            raise delivery_error(error, what) from error
        except SEND_ERRORS as error:  # a dropped connection or a timeout: try again later
            raise delivery_error(error, what) from error
        return str(thread["id"])


@contextlib.asynccontextmanager
async def discord_poster(
    config: DiscordConfig, token: str | None, *, threads: bool = False
) -> AsyncIterator[DiscordPoster]:
    """Log in over REST only (no gateway) and yield a poster; log out on exit.

    This is what ``paperbot post FILE --to discord:CHANNEL_ID`` needs::

        async with discord_poster(config.discord, secrets.discord_token) as poster:
            worker = make_worker(store, {"discord": poster}, config, clock)

    Raises:
        DiscordSetupError: ``token`` is missing, Discord refuses it, or Discord cannot be
            reached (the message names ``[discord] api_base_url``).
    """
    if not token:
        raise DiscordSetupError(
            f"{TOKEN_ENV} is not set: copy the bot token from the Developer Portal"
        )
    use_endpoints(config)
    without_voice()
    global_limit = GlobalLimitWatch()
    client = discord.Client(
        intents=discord.Intents(guilds=True),
        allowed_mentions=NO_MENTIONS,
        max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT,
        http_trace=global_limit.add_to(request_timeout_trace(config.request_timeout)),
    )
    async with client:
        try:
            await client.login(token)
        except LOGIN_ERRORS as error:
            raise login_error(error, config.api_base_url) from None
        yield DiscordPoster(client, threads=threads, global_limit=global_limit)
