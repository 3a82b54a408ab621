"""When a daily local posting time falls, as an instant: pure functions over :mod:`zoneinfo`.

A channel says "08:00 Asia/Seoul"; the scheduler sleeps in epoch seconds. Between the two lie
two traps this module settles once:

* Daylight saving. On a spring-forward day a wall time in the gap (02:30 in New York on the
  second Sunday of March) never happens; the slot is the first instant that does, the end of
  the gap (03:00 EDT). On a fall-back day a wall time happens twice; the slot is the first
  (``fold=0``), and because slots are counted per *local date*, the second is not a slot.
* Weekly slots. A weekly channel's slot falls on one local weekday; the same rules hold, the
  date stepping a week instead of a day. The slot's local date keys the week's run. A week is
  listed once: a slot fewer than :data:`WEEK` local days after the channel's last weekly
  listing (its weekday was changed since) is not owed (:func:`weekly_owed`), so the next
  listing comes on the new weekday after that. Counted in local dates, never in hours, so a
  DST change between the two does not move the line.
* Midnight between zones. 08:00 in Seoul is 23:00 UTC the day before, so a slot's date is
  always its local date, never the UTC date of the instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["WEEK", "Slot", "latest_slot", "next_slot", "slot_on", "weekly_owed"]

_UTC: Final = dt.UTC
_MINUTE: Final = dt.timedelta(minutes=1)
#: The longest gap to search for the end of; the largest on record is a whole day (Samoa
#: skipped 2011-12-30), with a margin.
_MAX_GAP: Final = dt.timedelta(hours=26)
#: Local days from one weekly listing to the next, at least.
WEEK: Final = 7


@dataclass(frozen=True, slots=True)
class Slot:
    """One day's posting instant for one channel."""

    local_date: dt.date  # the date in the channel's timezone: the key of the day's run
    at: float  # epoch seconds

    def local(self, zone: ZoneInfo) -> dt.datetime:
        """The instant on the channel's wall clock (for logs and ``paperbot status``)."""
        return dt.datetime.fromtimestamp(self.at, zone)


def _exists(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall time happens in ``zone`` (it does not inside a DST gap)."""
    back = wall.replace(tzinfo=zone).astimezone(_UTC).astimezone(zone)
    return back.replace(tzinfo=None) == wall


def slot_on(day: dt.date, time: dt.time, zone: ZoneInfo) -> Slot:
    """The instant of ``time`` on local date ``day``: the first one, or the gap's end.

    Gaps start and end on whole minutes in every zone of the IANA database since 1970, so
    stepping by minutes finds the end exactly; it is at most a few dozen steps in practice.
    """
    wall = dt.datetime.combine(day, time.replace(tzinfo=None, second=0, microsecond=0))
    limit = wall + _MAX_GAP
    while not _exists(wall, zone) and wall < limit:
        wall += _MINUTE
    instant = wall.replace(tzinfo=zone, fold=0)
    return Slot(day, instant.timestamp())


def latest_slot(now: float, time: dt.time, zone: ZoneInfo, weekday: int | None = None) -> Slot:
    """The most recent slot at or before ``now`` (on ``weekday`` only, for a weekly slot)."""
    today = dt.datetime.fromtimestamp(now, zone).date()
    step = dt.timedelta(days=1 if weekday is None else 7)
    if weekday is not None:
        today -= dt.timedelta(days=(today.weekday() - weekday) % 7)
    slot = slot_on(today, time, zone)
    return slot if slot.at <= now else slot_on(today - step, time, zone)


def next_slot(now: float, time: dt.time, zone: ZoneInfo, weekday: int | None = None) -> Slot:
    """The first slot strictly after ``now`` (on ``weekday`` only, for a weekly slot)."""
    today = dt.datetime.fromtimestamp(now, zone).date()
    step = dt.timedelta(days=1 if weekday is None else 7)
    if weekday is not None:
        today += dt.timedelta(days=(weekday - today.weekday()) % 7)
    slot = slot_on(today, time, zone)
    return slot if slot.at > now else slot_on(today + step, time, zone)


def weekly_owed(day: dt.date, listed: dt.date | None) -> bool:
    """Whether a weekly slot on local date ``day`` is owed, given the local date the channel's
    last weekly listing was for (None: it has had none): only a week or more after it."""
    return listed is None or (day - listed).days >= WEEK
