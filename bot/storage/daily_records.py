"""Subscription and schedule-run rows into the core's records, the same for every backend.

SQLite and PostgreSQL read and write these tables' columns in the same order (their SQL
modules name them); what a row means is written once, here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from bot.core.daily.schedule_runs import RunState, ScheduleRun
from bot.core.daily.subscriptions import MODES, RANKS, Subscription
from bot.core.routing.filters import Filters
from bot.core.routing.terms import FilterError
from digest_parser import SectionKey

__all__ = ["run_key", "run_values", "schedule_run", "subscription", "subscription_values"]

_log = logging.getLogger(__name__)


def subscription_values(s: Subscription) -> tuple[Any, ...]:
    """A subscription's columns, in the SQL modules' order (flags as booleans: both backends
    store them, SQLite as 0/1)."""
    return (
        s.platform, s.channel, s.time, s.timezone, ",".join(k.value for k in s.sections),
        s.in_thread, s.paused, s.source, s.created_at, s.updated_at,
        s.filters.to_json(), s.mode, s.weekday, s.empty_note, s.rank,
    )  # fmt: skip


def subscription(row: Sequence[Any]) -> Subscription:
    """A :class:`Subscription` from a row of the subscription columns."""
    (platform, channel, time, zone, sections, thread, paused, source, created, updated,
     filters, mode, weekday, empty_note, rank) = row  # fmt: skip
    keys = tuple(SectionKey(k) for k in str(sections).split(",") if k)
    try:
        chosen = Filters.from_json(str(filters))
    except FilterError as error:  # a hand-edited row: deliver everything rather than nothing
        _log.warning("%s:%s: stored filters ignored: %s", platform, channel, error)
        chosen = Filters()
    return Subscription(
        str(platform), str(channel), str(time), str(zone), keys, bool(thread),
        bool(paused), source, float(created), float(updated), chosen,
        mode if mode in MODES else "cards", int(weekday) % 7, bool(empty_note),
        rank if rank in RANKS else "upvotes",
    )  # fmt: skip


def run_key(run: ScheduleRun) -> tuple[str, str, str]:
    """A slot's key: platform, channel and local date."""
    return run.platform, run.channel, run.local_date.isoformat()


def run_values(run: ScheduleRun) -> tuple[Any, ...]:
    """A schedule run's columns, in the SQL modules' order."""
    return (
        run.platform, run.channel, run.local_date.isoformat(), run.slot_at, run.state.value,
        run.digest_date.isoformat() if run.digest_date else None, run.reason, run.updated_at,
    )  # fmt: skip


def schedule_run(row: Sequence[Any]) -> ScheduleRun:
    """A :class:`ScheduleRun` from a row of the schedule-run columns."""
    platform, channel, day, slot_at, state, digest, reason, updated = row
    return ScheduleRun(
        str(platform), str(channel), dt.date.fromisoformat(day), float(slot_at),
        RunState(state), dt.date.fromisoformat(digest) if digest else None,
        reason, float(updated),
    )  # fmt: skip
