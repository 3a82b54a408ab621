"""Builders for the JSON payloads Discord sends: users, guilds, channels, members, messages.

The fake server and the tests both need Discord-shaped dicts, and discord.py reads many keys
with ``data[...]`` (a missing one is a ``KeyError`` deep inside its state machine, far from the
test that caused it). Building every payload here, once, with every key discord.py 2.7 indexes
keeps those failures out of the tests. Shapes follow discord-api-docs (``resources/*.md``,
``topics/gateway-events.md``); the keys discord.py requires were read from its
``Guild._from_data``, ``Member.__init__`` and ``Message.__init__``. Interaction payloads are in
``discord_interaction_payloads``.

Ids are snowflakes: ``(milliseconds since 2015-01-01) << 22`` plus a counter, so they increase
and ``discord.utils.snowflake_time`` gives a sensible creation time.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "ATTACHMENT_SIZE_LIMIT",
    "DEFAULT_PERMISSIONS",
    "DISCORD_EPOCH_MS",
    "Payload",
    "Snowflakes",
    "application_payload",
    "default_guild",
    "dm_channel_payload",
    "guild_payload",
    "iso_timestamp",
    "member_payload",
    "message_payload",
    "new_snowflake",
    "role_payload",
    "text_channel_payload",
    "thread_payload",
    "user_payload",
]

Payload = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000  # 2015-01-01T00:00:00Z, reference/snowflakes
# 10 MiB: the attachment limit of an unboosted guild; discord.py 2.7 indexes it unconditionally.
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
# View channels, send messages, embed links, attach files, read history, use app commands,
# send messages in threads, create public threads: what our bot is invited with.
DEFAULT_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31) | (1 << 38) | (1 << 35)
)


class Snowflakes:
    """Strictly increasing snowflake ids derived from a wall clock.

    Why not a plain counter: discord.py derives ``created_at`` from ids and treats messages
    younger than 10 s specially when deleting, so ids must carry a realistic timestamp.
    """

    def __init__(self, wall_clock: Callable[[], float] = time.time) -> None:
        self._wall_clock = wall_clock
        self._last = 0

    def __call__(self) -> int:
        """Return the next id, never equal to or below the previous one."""
        candidate = (int(self._wall_clock() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


new_snowflake = Snowflakes()
"""A process-wide id source for builders called without an explicit id."""


def iso_timestamp(when: dt.datetime | None = None) -> str:
    """Discord's ISO-8601 timestamp with an explicit UTC offset (discord.py parses it)."""
    return (when or dt.datetime.now(dt.UTC)).isoformat()


def user_payload(
    user_id: int | None = None, username: str = "tester", *, bot: bool = False
) -> Payload:
    """A user object (``resources/user.md``); ``discriminator`` "0" is the post-2023 default."""
    return {
        "id": str(user_id or new_snowflake()),
        "username": username,
        "global_name": None if bot else username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "system": False,
        "mfa_enabled": bot,
        "verified": True,
        "flags": 0,
        "public_flags": 0,
        "locale": "en-US",
    }


def role_payload(
    role_id: int,
    name: str,
    *,
    permissions: str = DEFAULT_PERMISSIONS,
    position: int = 0,
    managed: bool = False,
) -> Payload:
    """A role; the ``@everyone`` role shares its id with the guild."""
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": permissions,
        "managed": managed,
        "mentionable": False,
        "flags": 0,
    }


def text_channel_payload(
    channel_id: int | None = None,
    *,
    guild_id: int,
    name: str,
    position: int = 0,
    topic: str | None = None,
) -> Payload:
    """A guild text channel (type 0)."""
    return {
        "id": str(channel_id or new_snowflake()),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": topic,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def dm_channel_payload(channel_id: int, recipient: Payload) -> Payload:
    """A DM channel (type 1) as ``POST /users/@me/channels`` returns it (``resources/channel.md``).

    discord.py's ``DMChannel`` reads ``recipients`` to know whom it talks to; there is no
    ``guild_id``, which is also how its MESSAGE_CREATE handler recognises a DM.
    """
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def thread_payload(
    thread_id: int,
    *,
    guild_id: int,
    parent_id: int,
    owner_id: int,
    name: str,
    auto_archive_duration: int = 1440,
) -> Payload:
    """A public thread (type 11); a thread started from a message reuses the message's id."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": auto_archive_duration,
            "archive_timestamp": iso_timestamp(),
            "locked": False,
            "create_timestamp": iso_timestamp(),
        },
    }


def member_payload(
    user: Payload, *, roles: Iterable[int] = (), permissions: str | None = None
) -> Payload:
    """A guild member; ``permissions`` is only present inside interactions."""
    member: Payload = {
        "user": user,
        "nick": None,
        "avatar": None,
        "roles": [str(r) for r in roles],
        "joined_at": iso_timestamp(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if permissions is not None:
        member["permissions"] = permissions
    return member


def guild_payload(
    guild_id: int | None = None,
    *,
    name: str,
    owner_id: int,
    channels: Sequence[Payload] = (),
    members: Sequence[Payload] = (),
    roles: Sequence[Payload] | None = None,
) -> Payload:
    """A full GUILD_CREATE guild: what the gateway sends once READY has listed it as unavailable.

    ``roles`` defaults to just ``@everyone``. Channels lose their ``guild_id`` here, as in the
    real event (the guild is implied); the fake keeps its own copy with it for REST answers.
    """
    gid = guild_id or new_snowflake()
    return {
        "id": str(gid),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": list(roles) if roles is not None else [role_payload(gid, "@everyone")],
        "channels": [{k: v for k, v in c.items() if k != "guild_id"} for c in channels],
        "threads": [],
        "members": list(members),
        "member_count": len(members),
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "joined_at": iso_timestamp(),
        "max_members": 500_000,
    }


def application_payload(app_id: int, *, name: str, owner: Payload, bot_user: Payload) -> Payload:
    """``GET /oauth2/applications/@me``; without an interactions URL events come by gateway."""
    return {
        "id": str(app_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": bot_user,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": 1,
    }


def message_payload(
    message_id: int,
    *,
    channel_id: int,
    author: Payload,
    content: str = "",
    embeds: Sequence[Payload] = (),
    components: Sequence[Payload] = (),
    flags: int = 0,
    message_type: int = 0,
    guild_id: int | None = None,
    nonce: str | int | None = None,
    message_reference: Payload | None = None,
    application_id: int | None = None,
) -> Payload:
    """A message as Discord returns it; embeds gain ``type: rich`` as on the real API."""
    data: Payload = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": iso_timestamp(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [{"type": "rich", **e} for e in embeds],
        "components": list(components),
        "reactions": [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if nonce is not None:
        data["nonce"] = nonce
    if message_reference is not None:
        data["message_reference"] = message_reference
    if application_id is not None:
        data["application_id"] = data["webhook_id"] = str(application_id)
    return data


def default_guild(bot_user: Payload, human: Payload, guild_id: int | None = None) -> Payload:
    """One guild with ``#papers`` and ``#general``, the bot (with its managed role) and a human."""
    gid = guild_id or new_snowflake()
    bot_role = role_payload(new_snowflake(), "paperbot", position=1, managed=True)
    return guild_payload(
        gid,
        name="paperbot-test",
        owner_id=int(human["id"]),
        channels=[
            text_channel_payload(guild_id=gid, name="papers", position=0),
            text_channel_payload(guild_id=gid, name="general", position=1),
        ],
        members=[member_payload(bot_user, roles=[int(bot_role["id"])]), member_payload(human)],
        roles=[role_payload(gid, "@everyone"), bot_role],
    )
