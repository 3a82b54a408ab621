"""Until the #13 merge only: ``bot.discord.poster`` still imports :func:`channel_id_problem`.

What a channel id looks like is each platform's to say, in its registration
(``bot/<platform>/platform.py``, ``channel_ids``); the core knows no platform's id shapes. This
module forwards to them and goes when the poster reads ``CHANNEL_IDS`` from
``bot.discord.platform`` instead.
"""

from __future__ import annotations

__all__ = ["channel_id_problem"]


def channel_id_problem(platform: str, channel: str) -> str | None:
    """Why ``channel`` cannot be a ``platform`` channel id, or ``None`` if it can."""
    from bot.platforms import channel_id_problem as registered

    return registered(platform, channel)
