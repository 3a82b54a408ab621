"""Direct messages as outbox channels, and channel names as logs may show them.

A follow DM goes through the outbox like a card, to the channel ``dm:<user id>``; the posters
open the person's DM there. User ids are personal data: a log line (or an error kept for
``paperbot status``) names a DM channel by a short one-way tag (:func:`loggable`), never by
the id itself.
"""

from __future__ import annotations

import hashlib
from typing import Final

__all__ = ["DM_PREFIX", "dm_channel", "dm_user", "loggable", "tag"]

#: Outbox channel of a direct message to a member: ``dm:<user id>``; posters open the DM.
DM_PREFIX: Final = "dm:"


def tag(user: str) -> str:
    """A short one-way tag for a user id: the same person, recognisable in logs, not named."""
    return "user#" + hashlib.blake2b(user.encode(), digest_size=4).hexdigest()


def dm_channel(user: str) -> str:
    """The outbox channel that delivers to ``user``'s direct messages."""
    return DM_PREFIX + user


def dm_user(channel: str) -> str | None:
    """The user of a direct-message channel, ``None`` for a channel of a workspace."""
    return channel.removeprefix(DM_PREFIX) if channel.startswith(DM_PREFIX) else None


def loggable(channel: str) -> str:
    """``channel`` as a log line may show it: a direct message names its user by tag only."""
    user = dm_user(channel)
    return channel if user is None else DM_PREFIX + tag(user)
