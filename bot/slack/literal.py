"""Untrusted text in Slack mrkdwn: escaped, unable to format, ping or end a link early.

Used for digest text, user input and Hugging Face's metadata alike.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core.cards.text import escape_slack

__all__ = ["link", "literal"]

#: Slack has no escape for these in mrkdwn; in digest text they become look-alikes.
_LOOKALIKES: Final = str.maketrans({"*": "∗", "~": "∼", "`": "ˋ"})
#: An underscore Slack could read as italic: one not between two letters or digits. Inside a
#: word (``snake_case``) Slack never formats it, so it stays as typed there.
_MARKER_UNDERSCORE: Final = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def literal(text: str) -> str:
    """Digest or user text for mrkdwn: escaped, and unable to open any formatting
    (``_x_`` shows its underscores as the look-alike ``ˍ``)."""
    return _MARKER_UNDERSCORE.sub("ˍ", escape_slack(text).translate(_LOOKALIKES))


def link(url: str, label: str) -> str:
    """``<url|label>`` with a label that cannot end the link early."""
    return f"<{url}|{literal(label).replace('|', '∣')}>"
