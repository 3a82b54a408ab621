"""Untrusted text in Slack mrkdwn: escaped, unable to format, ping or end a link early.

Used for digest text, user input and Hugging Face's metadata alike.
"""

from __future__ import annotations

from typing import Final

from bot.core.cards.text import escape_slack

__all__ = ["link", "literal"]

#: Slack has no escape for these in mrkdwn; in digest text they become look-alikes.
_LOOKALIKES: Final = str.maketrans({"*": "∗", "~": "∼", "`": "ˋ"})


def literal(text: str) -> str:
    """Digest or user text for mrkdwn: escaped, and unable to open any formatting."""
    return escape_slack(text).translate(_LOOKALIKES)


def link(url: str, label: str) -> str:
    """``<url|label>`` with a label that cannot end the link early."""
    return f"<{url}|{literal(label).replace('|', '∣')}>"
