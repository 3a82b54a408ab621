"""Outbox rows into the core's records, the same for every backend.

The SQL differs between SQLite and PostgreSQL (placeholders, locking); what the rows mean does
not: both backends read the same columns in the same order and assemble them here, so
``paperbot status`` and ``paperbot retry`` say the same things whichever database holds them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.core.delivery.outbox import ChannelStatus, OutboxRow, Requeued, RowState

__all__ = ["channel_statuses", "outbox_row", "reasons_json", "requeued"]

Row = Sequence[Any]


def outbox_row(row: Row) -> OutboxRow:
    """An :class:`OutboxRow` from a row of the outbox's columns, in the SQL modules' order."""
    values = list(row)
    values[7] = bool(values[7])
    values[8] = RowState(values[8])
    return OutboxRow(*values)


def reasons_json(reasons: tuple[tuple[str, int], ...]) -> str:
    """A filtered day's reasons as stored: JSON ``[[reason, papers], …]``."""
    return json.dumps(reasons, ensure_ascii=False)


def requeued(failed: Iterable[Row], paused: Iterable[Row]) -> list[Requeued]:
    """What a requeue did per channel: ``(platform, channel, failed rows)`` and
    ``(platform, channel, pause reason)`` rows, one entry per channel, sorted."""
    counts = {(str(p), str(c)): int(n) for p, c, n in failed}
    reasons = {(str(p), str(c)): str(r) for p, c, r in paused}
    return [
        Requeued(p, c, counts.get((p, c), 0), reasons.get((p, c)))
        for p, c in sorted(counts.keys() | reasons.keys())
    ]


def channel_statuses(
    counts: Iterable[Row], failed: Sequence[Row], paused: Iterable[Row], filtered: Iterable[Row]
) -> list[ChannelStatus]:
    """``paperbot status``'s channels from the status queries' rows, sorted.

    Args:
        counts: ``(platform, channel, last delivered, pending, sending)`` per channel.
        failed: ``(platform, channel, digest date, paper, reason)`` per failed row.
        paused: ``(platform, channel, reason)`` per paused channel.
        filtered: ``(platform, channel, digest date, papers left out)``: each channel's newest.
    """
    pauses = {(str(p), str(c)): str(r) for p, c, r in paused}
    left_out = {(str(p), str(c)): (str(d), int(n)) for p, c, d, n in filtered}
    result = []
    for platform, channel, last, pending, sending in counts:
        key = (str(platform), str(channel))
        fails = tuple((str(d), str(p), str(r)) for pl, ch, d, p, r in failed if (pl, ch) == key)
        day, count = left_out.pop(key, (None, 0))
        result.append(
            ChannelStatus(
                key[0],
                key[1],
                last,
                int(pending),
                int(sending),
                fails,
                pauses.get(key),
                count,
                day,
            )
        )
    for (platform, channel), (day, count) in left_out.items():  # every paper left out
        result.append(
            ChannelStatus(
                platform, channel, None, 0, 0, (), pauses.get((platform, channel)), count, day
            )
        )
    return sorted(result, key=lambda item: (item.platform, item.channel))
