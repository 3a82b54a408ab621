"""What a channel id looks like on each platform, checked wherever a person types one.

A channel name, ``#papers`` or a mistyped id used to be accepted, planned in the outbox and
then fail at every send (on Discord as ``ValueError`` tracebacks for most of a minute). The
shapes are checked where an id is typed instead: ``paperbot post --to``, ``retry --to`` and
``[[subscriptions]]``. The message says what a valid id looks like and where to copy one.
Ids that come from the platform itself (the channel a ``/subscribe`` came from) need no check.

Shapes:

* Discord: a snowflake, a 64-bit integer written in decimal
  (discord.com/developers/docs/reference#snowflakes). Snowflakes count milliseconds since
  2015, so every channel id has 17 to 20 digits.
* Slack: ``C`` (a channel), ``G`` (a private channel or group, in older workspaces) or ``D`` (a
  direct message), then capital letters and digits; 9 or 11 characters today, and Slack
  warns they may grow (api.slack.com/changelog/2016-08-11-user-id-format-changes).

The console is one channel (see ``ports.CONSOLE_CHANNEL``): nothing is sent anywhere.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "DISCORD_SNOWFLAKE",
    "SLACK_CHANNEL_ID",
    "ChannelIdError",
    "channel_id_problem",
    "check_channel_id",
]

DISCORD_SNOWFLAKE: Final = re.compile(r"[0-9]{17,20}")
SLACK_CHANNEL_ID: Final = re.compile(r"[CGD][A-Z0-9]{8,20}")

_DISCORD_HELP: Final = (
    "17 to 20 digits, such as 1234567890123456789): turn on Developer Mode (User Settings → "
    "Advanced), then right-click the channel → Copy Channel ID"
)
_SLACK_HELP: Final = (
    "C, G or D and capital letters and digits, such as C0123456789): click the channel's name "
    "in Slack; the id is at the bottom of its details"
)


class ChannelIdError(ValueError):
    """A typed channel id does not have its platform's shape; the message says what does."""


def channel_id_problem(platform: str, channel: str) -> str | None:
    """Why ``channel`` cannot be a ``platform`` channel id, or ``None`` if it can."""
    if platform == "discord" and DISCORD_SNOWFLAKE.fullmatch(channel) is None:
        return f"{channel!r} is not a Discord channel id ({_DISCORD_HELP}"
    if platform == "slack" and SLACK_CHANNEL_ID.fullmatch(channel) is None:
        return f"{channel!r} is not a Slack channel id ({_SLACK_HELP}"
    return None


def check_channel_id(platform: str, channel: str) -> str:
    """``channel`` itself when it has ``platform``'s shape (any name on ``console``).

    Raises:
        ChannelIdError: It does not; the message shows a valid id and where to find one.
    """
    problem = channel_id_problem(platform, channel)
    if problem is not None:
        raise ChannelIdError(problem)
    return channel
