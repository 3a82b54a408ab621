"""Posting cards to a Slack channel: the Slack implementation of
:class:`~bot.core.delivery.poster.Poster`.

Every message carries message metadata naming its (digest date, paper) and the post's
:attr:`~bot.core.delivery.poster.PostKey.token` (:mod:`bot.slack.marker`), which is how
:meth:`SlackPoster.find_message` and :meth:`~SlackPoster.find_reply` recognise a card in the
channel's history or a thread; :mod:`bot.core.delivery.reconcile` decides where to look, after a
crash and at once when a send ends ambiguously (a dropped connection, a timeout, a 5xx: Slack may
have stored the message), so a lost answer is reported as the post it was instead of a failure the
worker would resend.

A channel ``dm:<user id>`` (:func:`~bot.core.voice.members.dm_channel`: ``/follow``'s daily
papers) is the app's direct message with that member, opened with ``conversations.open``; a
member who cannot be messaged is :class:`~bot.core.delivery.poster.ChannelUnavailable`, which
pauses that DM alone. Log lines name such a channel by :func:`~bot.core.voice.members.loggable`
only, never by the user id.

Nothing pings: digest text is escaped by the renderer, and neither ``link_names`` nor
``parse=full`` is ever sent (either would turn ``@channel`` in a summary into a real mention).
Failures are raised as the :mod:`bot.core.delivery.poster` tree (see :mod:`bot.slack.errors`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.core.delivery.poster import MessageRejected, Posted, PostKey, TransientError
from bot.core.delivery.reconcile import find_recent
from bot.core.voice.members import dm_user, loggable

from .client import BOT_TOKEN_ENV, request_timeout, require_secret, web_client
from .errors import delivery_error
from .listing import listing_fits, listing_message
from .marker import carries, stamp
from .render import card_message, header_message

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.cards.card import Card, DigestHeaderCard
    from bot.core.cards.listing import DigestListing, Fits
    from bot.slack.config import SlackConfig

__all__ = ["POSTER_RATE_LIMIT_RETRIES", "SlackPoster", "slack_poster"]

_log = logging.getLogger(__name__)

#: 429s retried in place (after ``Retry-After``) before the worker is told ``RateLimited``.
POSTER_RATE_LIMIT_RETRIES: Final = 2
#: History pages read per search (200 messages each): a bounded cost for a rare check.
_PAGES: Final = 10
_PAGE_SIZE: Final = 200


class SlackPoster:
    """Posts digest headers and cards to Slack channels by id.

    Args:
        client: A client from :func:`~bot.slack.client.web_client` (it retries 429s only).
        threads: Return the header's ``ts`` as :attr:`Posted.thread_id`, so that a day's cards
            can be posted as replies in the header's thread.
    """

    platform = "slack"
    edit_interval = 60 / 50  # chat.update: Tier 3, 50 a minute per workspace

    def __init__(self, client: AsyncWebClient, *, threads: bool = False) -> None:
        self._client = client
        self._threads = threads
        self._dms: dict[str, str] = {}  # user id -> the id of the app's DM with them

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Post the header that opens a day's posts."""
        target = await self._target(channel)
        ts = await self._post(header_message(header, channel=target), key, None)
        _log.info("posted the %s header to %s as %s", key.digest_date, loggable(channel), ts)
        return Posted(ts, ts if self._threads else None)

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Post one card with its section menu and links, in ``thread`` (a ``ts``) when given.

        Slack fetches an image accessory's URL itself and refuses the whole message
        (``invalid_blocks``) when it cannot: a card whose thumbnail Slack refused goes out
        again without it, rather than not at all (nothing was posted the first time).
        """
        target = await self._target(channel)
        try:
            ts = await self._post(card_message(card, channel=target), key, thread)
        except MessageRejected:
            if card.meta is None or card.meta.thumbnail is None:
                raise
            _log.warning("Slack refused %s with its thumbnail; posting it without", card.arxiv_id)
            bare = dataclasses.replace(card, meta=dataclasses.replace(card.meta, thumbnail=None))
            ts = await self._post(card_message(bare, channel=target), key, thread)
        where = loggable(channel)
        _log.info("posted %s (%s) to %s as %s", card.arxiv_id, key.digest_date, where, ts)
        return Posted(ts, thread)

    async def post_listing(self, channel: str, listing: DigestListing, *, key: PostKey) -> Posted:
        """Post one page of a digest listing, marked like a card so reconciliation finds it."""
        target = await self._target(channel)
        ts = await self._post(listing_message(listing, channel=target), key, None)
        _log.info("posted %s (%s) to %s as %s", key.paper, key.digest_date, loggable(channel), ts)
        return Posted(ts)

    async def edit_counts(self, channel: str, message_id: str, card: Card) -> None:
        """Show the card's counts on its buttons: ``chat.update`` with the card re-rendered.

        Slack replaces a message's blocks whole, so the card is rendered again (the editor
        passes it as posted: same sections, same metadata for reconciliation).
        """
        message = card_message(card)
        target = await self._target(channel)
        with _reading(f"editing the counts of {card.arxiv_id} in {loggable(channel)}"):
            await self._client.chat_update(
                channel=target,
                ts=message_id,
                text=message["text"],
                blocks=message["blocks"],
                metadata=message["metadata"],
            )

    def listing_fits(self) -> Fits:
        """A page fits when its Block Kit passes every Slack limit (:mod:`bot.slack.listing`)."""
        return listing_fits()

    @property
    def threads(self) -> bool:
        """Whether a header's ``ts`` is returned as the thread for the day's cards."""
        return self._threads

    async def find_message(
        self, where: str, key: PostKey, *, since: float | None, limit: int | None = None
    ) -> str | None:
        """``ts`` of the message marked for ``key`` in channel ``where``, posted since ``since``.

        Reads ``conversations.history`` with metadata (the ``channels:history`` or
        ``groups:history`` scope): up to ten pages of 200, or one page of ``limit``.
        """
        what = f"looking for {key.paper} ({key.digest_date}) in {loggable(where)}"
        pages, size = (_PAGES, _PAGE_SIZE) if limit is None else (1, limit)
        target = await self._target(where)
        with _reading(what):
            return await self._in_history(target, key, oldest=since, pages=pages, size=size)

    async def find_reply(
        self,
        channel: str,
        thread: str,
        key: PostKey,
        *,
        since: float | None,
        limit: int | None = None,
    ) -> str | None:
        """``ts`` of the reply marked for ``key`` in the thread under ``thread`` (a ``ts``).

        ``conversations.replies`` lists a thread from its start, so one page of 200 is read
        whatever ``since`` and ``limit`` say (a day's thread is shorter).
        """
        what = f"looking for {key.paper} ({key.digest_date}) in {loggable(channel)}"
        target = await self._target(channel)
        with _reading(what):
            response = await self._client.conversations_replies(
                channel=target, ts=thread, include_all_metadata=True, limit=_PAGE_SIZE
            )
            return _marked(response.get("messages") or [], key)

    async def _post(self, message: dict[str, Any], key: PostKey, thread: str | None) -> str:
        stamp(message, key)
        if thread is not None:
            message["thread_ts"] = thread
        what = f"posting {key.paper} ({key.digest_date}) to {loggable(key.channel)}"
        try:
            response = await self._client.chat_postMessage(**message)
        except SlackApiError as error:
            failure = delivery_error(error, what)
            if not isinstance(failure, TransientError):
                raise failure from error
            cause: Exception = error
        except (aiohttp.ClientError, TimeoutError) as error:
            failure, cause = TransientError(f"{what}: {_describe(error)}"), error
        else:
            return str(response["ts"])
        found = await find_recent(self, message["channel"], key, thread)
        if found is None:
            raise failure from cause
        _log.warning("%s: the answer was lost but Slack has the message (%s)", what, found)
        return found

    async def _target(self, channel: str) -> str:
        """The conversation to call: ``channel`` itself, or the DM a ``dm:<user>`` channel means.

        ``conversations.open`` (the ``im:write`` scope) answers the same DM every time; its id
        is kept, so a day's cards to one member open it once.

        Raises:
            ChannelUnavailable: The member cannot be messaged (``cannot_dm_bot``, …).
        """
        user = dm_user(channel)
        if user is None:
            return channel
        if (known := self._dms.get(user)) is not None:
            return known
        with _reading(f"opening the direct message {loggable(channel)}"):
            opened = await self._client.conversations_open(users=user)
        dm = str((opened.get("channel") or {}).get("id") or "")
        if not dm:
            raise TransientError(f"opening the direct message {loggable(channel)}: no channel")
        self._dms[user] = dm
        return dm

    async def _in_history(
        self, channel: str, key: PostKey, *, oldest: float | None, pages: int, size: int
    ) -> str | None:
        cursor: str | None = None
        for _ in range(pages):
            response = await self._client.conversations_history(
                channel=channel,
                oldest=None if oldest is None else f"{max(oldest, 0.0):.6f}",
                limit=size,
                cursor=cursor,
                include_all_metadata=True,
            )
            if (ts := _marked(response.get("messages") or [], key)) is not None:
                return ts
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None


def _marked(messages: list[dict[str, Any]], key: PostKey) -> str | None:
    """``ts`` of the first message marked for ``key``."""
    return next((str(m["ts"]) for m in messages if carries(m, key)), None)


@contextlib.contextmanager
def _reading(what: str) -> Iterator[None]:
    """Errors of a read or an edit, as the :mod:`bot.core.delivery.poster` tree."""
    try:
        yield
    except SlackApiError as error:
        raise delivery_error(error, what) from error
    except (aiohttp.ClientError, TimeoutError) as error:
        raise TransientError(f"{what}: {_describe(error)}") from error


@contextlib.asynccontextmanager
async def slack_poster(
    config: SlackConfig,
    token: str | None,
    *,
    threads: bool = False,
    rate_limit_retries: int = POSTER_RATE_LIMIT_RETRIES,
) -> AsyncIterator[SlackPoster]:
    """A poster on one shared HTTP session, closed on exit; no websocket, no listeners.

    This is what ``paperbot post FILE --to slack:CHANNEL_ID`` needs (``bot.app.open_poster``)::

        async with slack_poster(config.slack, secrets.slack_bot_token) as poster:
            worker = make_worker(store, {"slack": poster}, config, clock)

    Raises:
        SlackSetupError: ``token`` is missing or not a bot token (the message names
            ``SLACK_BOT_TOKEN``).
    """
    token = require_secret(token, BOT_TOKEN_ENV)
    async with aiohttp.ClientSession(timeout=request_timeout(config)) as session:
        client = web_client(config, token, session=session, rate_limit_retries=rate_limit_retries)
        yield SlackPoster(client, threads=threads)


def _describe(error: BaseException) -> str:
    """A short reason for logs and ``paperbot status``: the kind of failure and its message."""
    detail = str(error).strip()
    kind = type(error).__name__
    return f"{kind}: {detail[:160]}" if detail else kind
