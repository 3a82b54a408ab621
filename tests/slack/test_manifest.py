"""The app manifest a new user pastes into Slack declares what the code registers.

Read with a few line patterns rather than a YAML library, which is not a dependency.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.slack.commands import SLASH_COMMANDS
from bot.slack.reading_commands import READING_COMMANDS
from bot.slack.saved_commands import SAVED_COMMANDS
from bot.slack.subscription_commands import SUBSCRIPTION_COMMANDS

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yaml"
TEXT = MANIFEST.read_text(encoding="utf-8")


def test_the_manifest_declares_exactly_the_registered_commands() -> None:
    declared = re.findall(r"^\s+- command: (/\S+)$", TEXT, re.M)
    registered = [*SLASH_COMMANDS, *SUBSCRIPTION_COMMANDS, *SAVED_COMMANDS, *READING_COMMANDS]
    assert sorted(declared) == sorted(registered)
    assert "/search" not in declared  # a Slack built-in
    assert len(re.findall(r"^\s+description: .{1,100}$", TEXT, re.M)) >= 5
    assert len(re.findall(r"^\s+usage_hint: ", TEXT, re.M)) == 9
    assert re.findall(r"should_escape: (\w+)", TEXT) == ["false"] * 11


def test_scopes_interactivity_and_socket_mode() -> None:
    scopes = re.search(r"^    bot:\n((?:      - \S+\n)+)", TEXT, re.M)
    assert scopes is not None
    assert scopes.group(1).split() == [
        "-",
        "commands",
        "-",
        "chat:write",
        "-",
        "chat:write.public",
        "-",
        "channels:history",
        "-",
        "groups:history",
        "-",
        "users:read",
        "-",
        "im:write",
        "-",
        "im:history",
        "-",
        "files:write",
    ]
    assert re.search(r"interactivity:\n\s+is_enabled: true", TEXT)
    assert re.search(r"^  socket_mode_enabled: true$", TEXT, re.M)


def test_long_description_length_is_what_slack_accepts() -> None:
    block = re.search(r"long_description: >-\n((?:    .+\n)+)", TEXT)
    assert block is not None
    text = " ".join(line.strip() for line in block.group(1).splitlines())
    assert 175 <= len(text) <= 4000  # Slack's bounds for long_description
