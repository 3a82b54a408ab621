"""The invite URL asks for the two scopes and exactly the six permissions paperbot uses."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.fakes import discord_client  # noqa: F401  (imports discord.py quietly first)

import discord  # isort: skip

from bot.discord.invite import invite_url, required_permissions


def test_invite_url_scopes_and_permissions() -> None:
    url = urlsplit(invite_url(1234567890))
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == ["1234567890"]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert {name for name, on in granted if on} == {
        "read_messages",  # discord.py's name for View Channel(s)
        "send_messages",
        "send_messages_in_threads",
        "create_public_threads",
        "embed_links",
        "read_message_history",
    }
    assert granted.value == 309_237_730_304 == required_permissions().value


def test_nothing_dangerous_is_asked_for() -> None:
    granted = required_permissions()
    assert not granted.administrator and not granted.mention_everyone
    assert not granted.manage_messages and not granted.manage_threads
    assert not granted.manage_channels and not granted.manage_guild and not granted.kick_members
