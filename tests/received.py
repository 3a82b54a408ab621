"""What a fake channel received, read back from the messages as readers see them.

Delivery tests count cards per (digest date, paper): on Slack from each message's metadata, on
Discord from the header's title or the card's footer. Anything else in a channel comes back as
an "unrecognised message", so a stray post is counted rather than ignored.
"""

from __future__ import annotations

import re
from typing import Final

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (imports discord.py quietly)

from tests.fakes.slack_api import FakeSlackAPI

__all__ = ["discord_cards", "slack_cards"]

_OURS_SLACK: Final = frozenset({"paperbot_card", "paperbot_digest"})
_DISCORD_HEADER: Final = re.compile(r"^Hugging Face Daily Papers – (\d{4}-\d\d-\d\d) · ")
_DISCORD_FOOTER: Final = re.compile(r"^(\S+) · (\d{4}-\d\d-\d\d) · ")


def slack_cards(fake: FakeSlackAPI, channel: str) -> list[tuple[str, str, str]]:
    """(digest date, paper, ts) of each message in a Slack channel, from its metadata."""
    found = []
    for message in fake.posted(channel):
        meta = message.metadata or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") in _OURS_SLACK:
            key = (str(payload.get("digest_date")), str(payload.get("paper")))
        else:
            key = ("?", f"unrecognised message {message.ts}")
        found.append((*key, message.ts))
    return found


def discord_cards(fake: FakeDiscord, channel: str) -> list[tuple[str, str, str]]:
    """(digest date, paper, id) of each message in a Discord channel, from its embeds.

    The header's title and a card's footer name the digest and paper, as readers see them.
    """
    found = []
    for message in fake.messages(int(channel)):
        embeds = message.embeds or [{}]
        header = _DISCORD_HEADER.match(str(embeds[0].get("title") or ""))
        footer = _DISCORD_FOOTER.match(str((embeds[-1].get("footer") or {}).get("text") or ""))
        if header:
            key = (header.group(1), "header")
        elif footer:
            key = (footer.group(2), footer.group(1))
        else:
            key = ("?", f"unrecognised message {message.id}")
        found.append((*key, str(message.id)))
    return found
