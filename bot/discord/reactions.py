"""The 👍 and 🔖 Save buttons every card carries, and who answers their clicks.

Like the other components (:mod:`bot.discord.components`) they keep nothing in memory: the
``custom_id`` says what was pressed, on which paper of which digest, so a card posted last week
still counts presses after a restart. Custom ids (arXiv ids and ISO dates contain no ``:``)::

    paperbot:like:<paper>:<date>      👍, with the channel's likes on its label
    paperbot:save:<paper>:<date>      🔖 Save, with its saves

The date is ``undated`` for a card without one. The template admits any id starting with a
kind, so a damaged one is answered with a polite note instead of Discord's "This interaction
failed". What a press does lives in a :class:`VoiceHandler` the client exposes as
``voice_answers`` (see :mod:`bot.discord.voice_answers`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any, Final, Protocol, Self, cast

import discord

from bot.core.cards.counts import Counts
from bot.core.voice.records import KINDS, Kind

from .limits import CUSTOM_ID_MAX

__all__ = [
    "NOT_HERE",
    "REACT_ID",
    "Pressing",
    "ReactButton",
    "VoiceHandler",
    "react_buttons",
    "react_id",
    "read_react_id",
    "refuse",
    "voice_handler",
]

_log = logging.getLogger(__name__)

#: Template of the two buttons' ids: the kind, then anything (checked by :func:`read_react_id`).
REACT_ID: Final = r"paperbot:(?:like|save):.*"
_NO_DATE: Final = "undated"
_PAPER: Final = re.compile(r"[0-9A-Za-z./-]{1,40}")
#: The answer to a button whose id cannot be read, or whose bot does not count presses.
NOT_HERE: Final = "This button no longer works here: open the paper again with `/paper ID`."


@dataclass(frozen=True, slots=True)
class Pressing:
    """What a 👍/🔖 button's id says: which button, on which paper of which digest."""

    kind: Kind
    arxiv_id: str
    digest_date: dt.date | None


def react_id(kind: Kind, arxiv_id: str, day: dt.date | None) -> str | None:
    """The button's ``custom_id``; ``None`` if it would pass Discord's 100 characters."""
    custom_id = f"paperbot:{kind}:{arxiv_id}:{day.isoformat() if day else _NO_DATE}"
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


def read_react_id(custom_id: str) -> Pressing | None:
    """The press a button id carries; ``None`` for an id this paperbot did not make."""
    parts = custom_id.split(":")
    if len(parts) != 4 or parts[0] != "paperbot" or parts[1] not in KINDS:
        return None
    _, kind, paper, day = parts
    if not _PAPER.fullmatch(paper):
        return None
    if day == _NO_DATE:
        return Pressing(cast(Kind, kind), paper, None)
    try:
        return Pressing(cast(Kind, kind), paper, dt.date.fromisoformat(day))
    except ValueError:
        return None


class VoiceHandler(Protocol):
    """Answers the 👍/🔖 buttons; the client exposes one as ``voice_answers``."""

    async def press(self, interaction: discord.Interaction[Any], pressing: Pressing) -> None:
        """Toggle the presser's 👍/🔖 and tell them, privately."""


def voice_handler(interaction: discord.Interaction[Any]) -> VoiceHandler | None:
    """The client's :class:`VoiceHandler`, ``None`` when this bot does not count presses."""
    return cast("VoiceHandler | None", getattr(interaction.client, "voice_answers", None))


async def refuse(interaction: discord.Interaction[Any], text: str = NOT_HERE) -> None:
    """A polite private note in place of an answer (a damaged id, a feature not served)."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as error:
        _log.warning("Discord refused the note on a button that no longer works: %s", error)


class ReactButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=REACT_ID):
    """👍 or 🔖 Save: a toggle per person, counted per channel."""

    def __init__(self, custom_id: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                row=2,
            )
        )
        self.pressing = read_react_id(custom_id)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id, keeping its label."""
        return cls(match.string, getattr(item, "label", None) or "👍")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Count the press; a damaged id or a bot without counts gets a note."""
        handler = voice_handler(interaction)
        if self.pressing is None or handler is None:
            await refuse(interaction)
            return
        await handler.press(interaction, self.pressing)


def react_buttons(arxiv_id: str, day: dt.date | None, counts: Counts) -> list[ReactButton]:
    """The two buttons of a card, labelled with its counts (none if the id would not fit)."""
    buttons = []
    for kind, label in (("like", counts.like_label), ("save", counts.save_label)):
        custom_id = react_id(cast(Kind, kind), arxiv_id, day)
        if custom_id is not None:
            buttons.append(ReactButton(custom_id, label))
    return buttons
