"""Who pressed, saved or follows: a member of one workspace, and the channel they are in.

User ids are personal data: they are stored (a toggle must know whose press it undoes) but
never logged. ``str()`` and ``repr()`` of a :class:`Member` show a short one-way tag instead
of the id, so a log line that names a member by accident still leaks nothing; :func:`tag` is
the same tag for code that holds a bare id (a direct-message channel), from
:mod:`bot.core.delivery.recipients`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.delivery.recipients import DM_PREFIX, dm_channel, dm_user, loggable, tag

__all__ = ["DM_PREFIX", "ChannelRef", "Member", "dm_channel", "dm_user", "loggable", "tag"]


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
