"""The scheduler's memory: what became of each channel's slot on each local date.

It is what lets the scheduler restart at any moment without skipping or doubling a day: a
slot with a final row (``planned`` or ``skipped``) is done; a ``planning`` row names the digest
already chosen, so a restart plans that same digest again (the outbox ignores the repeat)
instead of choosing anew. ``paperbot status`` reads the skipped rows and their reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from bot.core.clock import Clock
from bot.core.daily.slots import Slot
from bot.storage.sqlite.store import Store

__all__ = ["RunState", "ScheduleRun", "ScheduleRuns"]

_COLUMNS: Final = "platform, channel, local_date, slot_at, state, digest_date, reason, updated_at"


class RunState(StrEnum):
    """Where one day's slot stands."""

    WAITING = "waiting"  # the slot came, no new digest yet: waiting within the window
    PLANNING = "planning"  # a digest was chosen; the outbox may or may not hold it yet
    PLANNED = "planned"  # the outbox holds the day's cards: the worker delivers them
    SKIPPED = "skipped"  # nothing was sent for this slot; ``reason`` says why

    @property
    def final(self) -> bool:
        """Nothing more will happen for this slot."""
        return self in (RunState.PLANNED, RunState.SKIPPED)


@dataclass(frozen=True, slots=True)
class ScheduleRun:
    """One channel's slot on one local date."""

    platform: str
    channel: str
    local_date: dt.date
    slot_at: float
    state: RunState
    digest_date: dt.date | None
    reason: str | None
    updated_at: float

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ScheduleRun:
        """Build from a ``SELECT {_COLUMNS}`` row."""
        platform, channel, day, slot_at, state, digest, reason, updated = row
        return cls(
            str(platform), str(channel), dt.date.fromisoformat(day), float(slot_at),
            RunState(state), dt.date.fromisoformat(digest) if digest else None,
            reason, float(updated),
        )  # fmt: skip


class ScheduleRuns:
    """Reads and writes ``schedule_runs``; every write is one small transaction."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def get(self, platform: str, channel: str, local_date: dt.date) -> ScheduleRun | None:
        """The record of one slot, or ``None`` if the scheduler has not acted on it."""
        rows = await self._store.query(
            f"SELECT {_COLUMNS} FROM schedule_runs"
            " WHERE platform = ? AND channel = ? AND local_date = ?",
            platform,
            channel,
            local_date.isoformat(),
        )
        return ScheduleRun.from_row(rows[0]) if rows else None

    async def recent(self, platform: str, channel: str, *, limit: int = 7) -> list[ScheduleRun]:
        """The channel's latest slots, newest first (for ``paperbot status``)."""
        rows = await self._store.query(
            f"SELECT {_COLUMNS} FROM schedule_runs WHERE platform = ? AND channel = ?"
            " ORDER BY slot_at DESC LIMIT ?",
            platform,
            channel,
            limit,
        )
        return [ScheduleRun.from_row(row) for row in rows]

    async def record(
        self,
        platform: str,
        channel: str,
        slot: Slot,
        state: RunState,
        *,
        digest_date: dt.date | None = None,
        reason: str | None = None,
    ) -> bool:
        """Move a slot to ``state``; False (and no change) if that would go backwards.

        A final slot stays final and a chosen digest stays chosen. The guard is in
        SQL, not in Python, so two writers racing for one slot cannot both win.
        """
        values = (
            platform, channel, slot.local_date.isoformat(), slot.at, state.value,
            digest_date.isoformat() if digest_date else None, reason, self._clock.now(),
        )  # fmt: skip
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                f"INSERT INTO schedule_runs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, channel, local_date) DO UPDATE SET"
                " state = excluded.state, digest_date = excluded.digest_date,"
                " reason = excluded.reason, updated_at = excluded.updated_at"
                " WHERE schedule_runs.state = 'waiting'"
                " OR (schedule_runs.state = 'planning' AND excluded.state != 'waiting')",
                values,
            )
            return cursor.rowcount == 1

    async def received(self, platform: str, channel: str) -> dt.date | None:
        """The newest digest date planned for the channel, by the scheduler or by hand.

        The outbox is the truth of what a channel has (or will have) received, so a digest
        posted with ``paperbot post`` counts too, and nothing older is ever planned after it.
        """
        ((day,),) = await self._store.query(
            "SELECT max(digest_date) FROM outbox WHERE platform = ? AND channel = ?",
            platform,
            channel,
        )
        return dt.date.fromisoformat(day) if day else None
