"""Builders for INTERACTION_CREATE payloads: slash commands, autocomplete, component clicks.

discord.py 2.7 reads ``attachment_size_limit`` unconditionally (``Interaction._from_data``) and
finds guild commands through ``data.guild_id`` (``CommandTree._get_app_command_options``); the
builders always set the first and let the caller decide the second. Shapes follow
discord-api-docs ``interactions/receiving-and-responding.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.fakes.discord_payloads import (
    ATTACHMENT_SIZE_LIMIT,
    DEFAULT_PERMISSIONS,
    Payload,
    member_payload,
)

__all__ = [
    "autocomplete_interaction",
    "command_interaction",
    "component_interaction",
    "options_payload",
]

# ApplicationCommandOptionType of each Python type an option value may have.
_OPTION_TYPES: dict[type, int] = {str: 3, int: 4, bool: 5, float: 10}


def options_payload(
    options: Mapping[str, Any] | Sequence[Payload] | None, *, focused: str | None = None
) -> list[Payload]:
    """Slash-command options from ``{"name": value}``; raw option lists pass through unchanged.

    Types are inferred (str → 3, int → 4, bool → 5, float → 10); pass a list of option dicts
    for sub-commands, users, channels or anything else. ``focused`` marks the option being
    typed in an autocomplete interaction (Discord sends its partial value as a string).
    """
    if options is None:
        return []
    if not isinstance(options, Mapping):
        return [dict(o) for o in options]
    result = []
    for name, value in options.items():
        option: Payload = {"name": name, "type": _OPTION_TYPES.get(type(value), 3), "value": value}
        if name == focused:
            option["type"], option["focused"] = 3, True
        result.append(option)
    return result


def _interaction_base(
    interaction_type: int,
    *,
    interaction_id: int,
    token: str,
    application_id: int,
    guild_id: int,
    channel: Payload,
    user: Payload,
    roles: Iterable[int] = (),
    permissions: str = DEFAULT_PERMISSIONS,
) -> Payload:
    return {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel_id": channel["id"],
        "channel": {**channel, "guild_id": str(guild_id)},
        "member": member_payload(user, roles=roles, permissions=permissions),
        "app_permissions": DEFAULT_PERMISSIONS,
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }


def command_interaction(
    name: str,
    options: Mapping[str, Any] | Sequence[Payload] | None = None,
    *,
    command_id: int,
    command_guild_id: int | None,
    focused: str | None = None,
    **base: Any,
) -> Payload:
    """An APPLICATION_COMMAND (type 2) interaction, or AUTOCOMPLETE (4) when ``focused`` is set.

    ``command_guild_id`` must be the guild the command was registered in (``None`` for a
    global command): discord.py's CommandTree looks guild commands up by ``data.guild_id``.
    ``base`` takes the keyword arguments common to every interaction (ids, token, channel,
    user) as produced by :class:`FakeDiscord`.
    """
    payload = _interaction_base(4 if focused else 2, **base)
    data: Payload = {
        "id": str(command_id),
        "name": name,
        "type": 1,
        "options": options_payload(options, focused=focused),
    }
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    payload["data"] = data
    return payload


def autocomplete_interaction(
    name: str,
    options: Mapping[str, Any] | Sequence[Payload] | None,
    *,
    focused: str,
    **kwargs: Any,
) -> Payload:
    """An AUTOCOMPLETE (type 4) interaction: the user is typing into option ``focused``."""
    return command_interaction(name, options, focused=focused, **kwargs)


def component_interaction(
    message: Payload,
    custom_id: str,
    *,
    component_type: int = 2,
    values: Sequence[str] | None = None,
    **base: Any,
) -> Payload:
    """A MESSAGE_COMPONENT (type 3) interaction: a click on a button (2) or a select (3)."""
    payload = _interaction_base(3, **base)
    data: Payload = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = list(values)
    payload["data"] = data
    payload["message"] = message
    return payload
