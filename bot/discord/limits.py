"""Discord's limits, each named once with where it comes from.

discord.py checks only the number of embeds per message; every other limit below is ours to
enforce, and Discord answers a breach with ``400 Invalid Form Body`` (code 50035) for the whole
message. Sources: discord-api-docs ``resources/message.md`` ("Embed Limits"),
``components/reference.md``, ``interactions/application-commands.md`` and
``interactions/receiving-and-responding.md``, as collected in ``shared/platform-limits.md``.

Lengths are counted with :func:`bot.core.cards.text.utf16_len`: Discord counts code points, but
UTF-16 units are never fewer, so a text within a limit by that count is within it by Discord's.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AUTOCOMPLETE_CHOICES_MAX",
    "AUTOCOMPLETE_DEADLINE",
    "BUTTONS_PER_ROW",
    "BUTTON_LABEL_MAX",
    "CHOICE_NAME_MAX",
    "CHOICE_VALUE_MAX",
    "COMMAND_DESCRIPTION_MAX",
    "COMMAND_NAME_MAX",
    "CONTENT_MAX",
    "CUSTOM_ID_MAX",
    "EMBEDS_PER_MESSAGE",
    "EMBED_AUTHOR_MAX",
    "EMBED_DESCRIPTION_MAX",
    "EMBED_FIELDS_MAX",
    "EMBED_FIELD_NAME_MAX",
    "EMBED_FIELD_VALUE_MAX",
    "EMBED_FOOTER_MAX",
    "EMBED_TITLE_MAX",
    "EMBED_TOTAL_MAX",
    "FOLLOWUP_WINDOW",
    "GUILDS_PER_SHARD",
    "INTERACTION_DEADLINE",
    "NONCE_MAX",
    "ROWS_PER_MESSAGE",
    "SELECT_OPTIONS_MAX",
    "SELECT_OPTION_TEXT_MAX",
    "SELECT_PLACEHOLDER_MAX",
    "THREAD_NAME_MAX",
]

# -- messages (resources/message.md, "Create Message") ------------------------------------
#: ``content`` of a message, in characters.
CONTENT_MAX: Final = 2000
#: Embeds per message (the one limit discord.py checks itself).
EMBEDS_PER_MESSAGE: Final = 10
#: ``nonce`` as a string; discord.py always sends ``enforce_nonce: true`` with it.
NONCE_MAX: Final = 25

# -- embeds (resources/message.md, "Embed Limits") ----------------------------------------
EMBED_TITLE_MAX: Final = 256
EMBED_DESCRIPTION_MAX: Final = 4096
EMBED_FIELDS_MAX: Final = 25
EMBED_FIELD_NAME_MAX: Final = 256
#: Field values do not render ``#`` headings (they show literally), hence ``headings=False``.
EMBED_FIELD_VALUE_MAX: Final = 1024
EMBED_FOOTER_MAX: Final = 2048
EMBED_AUTHOR_MAX: Final = 256
#: Title + description + field names and values + footer + author name, summed over *all*
#: embeds of one message.
EMBED_TOTAL_MAX: Final = 6000

# -- message components (components/reference.md) -----------------------------------------
#: Action rows per message (classic components).
ROWS_PER_MESSAGE: Final = 5
#: Buttons in one action row; a select menu fills a row on its own.
BUTTONS_PER_ROW: Final = 5
BUTTON_LABEL_MAX: Final = 80
#: Developer-defined identifier of a button or select: what persistent views route on.
CUSTOM_ID_MAX: Final = 100
SELECT_OPTIONS_MAX: Final = 25
#: Label, value and description of a select option.
SELECT_OPTION_TEXT_MAX: Final = 100
SELECT_PLACEHOLDER_MAX: Final = 150

# -- application commands (interactions/application-commands.md) --------------------------
COMMAND_NAME_MAX: Final = 32
COMMAND_DESCRIPTION_MAX: Final = 100
#: Choices in an autocomplete answer ("Autocomplete"); it cannot be deferred.
AUTOCOMPLETE_CHOICES_MAX: Final = 25
CHOICE_NAME_MAX: Final = 100
CHOICE_VALUE_MAX: Final = 100

# -- interactions (interactions/receiving-and-responding.md) -------------------------------
#: Seconds to send the first response before the token dies (error 10062).
INTERACTION_DEADLINE: Final = 3.0
#: Seconds an autocomplete answer may take; the same window as any first response.
AUTOCOMPLETE_DEADLINE: Final = 3.0
#: Seconds followups may be sent after the first response (15 minutes).
FOLLOWUP_WINDOW: Final = 15 * 60.0

# -- threads and sharding (resources/channel.md, topics/gateway.md) ------------------------
THREAD_NAME_MAX: Final = 100
#: Discord requires sharding from 2,500 guilds per shard ("Sharding").
GUILDS_PER_SHARD: Final = 2500
