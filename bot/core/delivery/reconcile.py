"""Was this message already posted? Asked once here, for every platform.

A platform can accept a message and the answer never reach us: a dropped connection, a
timeout, a 5xx after the write, or a crash between "the platform accepted" and "the outbox
recorded it". Posting again would show readers the card twice, so the platform's history is
asked first, in two situations:

- :func:`find_posted`, by the worker, for a row a crash left ``sending``: the channel since
  the attempt; then, for a card that may be in a thread, the day's header (looked for up to
  :data:`HEADER_LOOKBACK` earlier, as it opens the day) and that header's thread.
- :func:`find_recent`, by a poster, right after an ambiguous send: only the newest
  :data:`RECENT` messages where the message went, since ours is among them if it is anywhere.

Each :class:`~bot.core.delivery.poster.Poster` provides the two primitives
(``find_message``, ``find_reply``) on its platform's history API and says whether it uses
threads; how a message is recognised (Slack metadata, Discord footers) stays in the adapter.
"""

from __future__ import annotations

import logging
from typing import Final

from bot.core.delivery.outbox import HEADER
from bot.core.delivery.poster import DeliveryError, Posted, Poster, PostKey
from bot.core.delivery.recipients import loggable

__all__ = ["HEADER_LOOKBACK", "RECENT", "find_posted", "find_recent"]

_log = logging.getLogger(__name__)

#: How far before a card's attempt its header is looked for (the header opens the day).
HEADER_LOOKBACK: Final = 2 * 24 * 3600.0
#: Messages read back right after an ambiguous send: ours is among the newest.
RECENT: Final = 50


async def find_posted(poster: Poster, channel: str, key: PostKey, since: float) -> Posted | None:
    """The message for ``key`` if the platform has it: in ``channel`` or its day's thread.

    Args:
        since: When the interrupted attempt was made (less a margin for clock skew); older
            messages in the channel are not read.

    Raises:
        DeliveryError: The history could not be read (the worker defers or pauses).
    """
    found = await poster.find_message(channel, key, since=since)
    if found is not None:
        is_header = key.paper == HEADER
        return Posted(found, found if is_header and poster.threads else None)
    if key.paper == HEADER or not poster.threads:
        return None  # only threaded cards can be anywhere but the channel itself
    header = PostKey(channel, key.digest_date, HEADER)
    parent = await poster.find_message(channel, header, since=since - HEADER_LOOKBACK)
    if parent is None:
        return None
    reply = await poster.find_reply(channel, parent, key, since=since)
    return Posted(reply, parent) if reply is not None else None


async def find_recent(poster: Poster, channel: str, key: PostKey, thread: str | None) -> str | None:
    """After an ambiguous send: the message's id if it is there after all, ``None`` if unsure.

    A history that cannot be read counts as "not found" (logged): the caller then reports the
    send's own failure, and the worker's retry decides.
    """
    try:
        if thread is not None:
            return await poster.find_reply(channel, thread, key, since=None, limit=RECENT)
        return await poster.find_message(channel, key, since=None, limit=RECENT)
    except DeliveryError as error:
        _log.warning("could not check %s for a lost post: %s", loggable(thread or channel), error)
        return None
