"""Who pressed, saved or follows: a member of one workspace, and the channel they are in.

User ids are personal data: they are stored (a toggle must know whose press it undoes) but
never logged. ``str()`` and ``repr()`` of a :class:`Member` show a short one-way tag instead
of the id, so a log line that names a member by accident still leaks nothing; :func:`tag` is
the same tag for code that holds a bare id (a direct-message channel).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

__all__ = ["DM_PREFIX", "ChannelRef", "Member", "dm_channel", "dm_user", "loggable", "tag"]

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


@dataclass(frozen=True, slots=True)
class Member:
    """One person in one workspace (Slack team id / Discord guild id; ``dm`` outside one)."""

    platform: str
    workspace: str
    user: str = field(repr=False)

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{tag(self.user)}"

    def __repr__(self) -> str:
        return f"Member({self})"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel of a workspace: where a card was pressed, whose reading list is asked for."""

    platform: str
    workspace: str
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{loggable(self.channel)}"
