"""The OAuth2 URL that adds paperbot to a server, asking only for what it uses.

Each permission below is needed by something the bot does; anything more would be a reason
for a server owner to refuse (or a risk if the token leaked). Commands and their replies need
no permission at all: interactions are answered over their own webhook.
"""

from __future__ import annotations

from typing import Final

import discord

__all__ = ["SCOPES", "invite_url", "required_permissions"]

#: ``bot`` adds the bot user; ``applications.commands`` lets it register slash commands.
SCOPES: Final = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    """The permissions paperbot needs in the channels it posts to."""
    return discord.Permissions(
        view_channel=True,  # see the channel it is told to post in
        send_messages=True,  # post digest headers, cards and shared answers
        send_messages_in_threads=True,  # post a day's cards inside the header's thread
        create_public_threads=True,  # open that thread on the header
        embed_links=True,  # cards are embeds; without it Discord strips them
        read_message_history=True,  # find its own earlier posts when resuming a day
    )


def invite_url(application_id: int | str) -> str:
    """``https://discord.com/oauth2/authorize?client_id=…&scope=bot+applications.commands&…``.

    Args:
        application_id: The application's id (Developer Portal → General Information).
    """
    return discord.utils.oauth_url(
        application_id, permissions=required_permissions(), scopes=SCOPES
    )
