"""Untrusted text (filter terms, follow terms, titles) shown as typed in a reply's content."""

from __future__ import annotations

import discord

from bot.core.cards.text import neutralise_discord

__all__ = ["literal"]


def literal(text: str) -> str:
    """``text`` as typed: no formatting, no link, no ping.

    Markdown is escaped, so ``[click](https://…)`` is no masked link and ``**x**``, ``||x||``
    or a backtick format nothing; a backslash is doubled first (it would escape our escape)
    and ``<`` is escaped (``<https://…|x>`` and ``<t:…>`` stay text); mentions are made inert
    as well, though replies are also sent with ``allowed_mentions`` none.
    """
    escaped = discord.utils.escape_markdown(text.replace("\\", "\\\\"))
    return neutralise_discord(escaped.replace("<", "\\<"))
