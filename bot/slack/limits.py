"""Slack's Block Kit and message limits, named so every check cites its source.

Numbers from docs.slack.dev (Block Kit reference, chat.postMessage, "Handling slash commands")
as collected in ``shared/platform-limits.md``; [3p] marks one observed by others, not documented.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACTIONS_ELEMENTS_MAX",
    "ACTION_ID_MAX",
    "BUTTON_TEXT_MAX",
    "BUTTON_VALUE_MAX",
    "CARD_TOTAL_MAX",
    "CONTEXT_ELEMENTS_MAX",
    "HEADER_TEXT_MAX",
    "MAX_BLOCKS",
    "MESSAGE_TEXT_MAX",
    "OPTION_TEXT_MAX",
    "OPTION_VALUE_MAX",
    "PLACEHOLDER_MAX",
    "RESPONSE_URL_USES",
    "SECTION_TEXT_MAX",
    "SELECT_OPTIONS_MAX",
]

#: Blocks per message (Block Kit reference: "up to 50 blocks").
MAX_BLOCKS: Final = 50
#: ``section`` block ``text`` (mrkdwn), in characters.
SECTION_TEXT_MAX: Final = 3000
#: ``header`` block plain_text, in characters.
HEADER_TEXT_MAX: Final = 150
#: Elements in a ``context`` block.
CONTEXT_ELEMENTS_MAX: Final = 10
#: Elements in an ``actions`` block.
ACTIONS_ELEMENTS_MAX: Final = 25
#: Options in a ``static_select``; our seven sections fit.
SELECT_OPTIONS_MAX: Final = 100
#: ``plain_text`` of an option, and of a button.
OPTION_TEXT_MAX: Final = 75
BUTTON_TEXT_MAX: Final = 75
#: ``value`` of a select option (option object reference: 150 characters).
OPTION_VALUE_MAX: Final = 150
#: ``placeholder`` of a select.
PLACEHOLDER_MAX: Final = 150
#: ``action_id`` and ``value`` lengths for interactive elements.
ACTION_ID_MAX: Final = 255
BUTTON_VALUE_MAX: Final = 2000
#: Top-level ``text`` is truncated above this; we send a short notification fallback.
MESSAGE_TEXT_MAX: Final = 40_000
#: Slack rejects messages around 13.2k characters of blocks with ``msg_blocks_too_long`` [3p];
#: the issue asks every card to stay under 12,000.
CARD_TOTAL_MAX: Final = 12_000
#: A ``response_url`` accepts five responses within 30 minutes ("Handling slash commands").
RESPONSE_URL_USES: Final = 5
