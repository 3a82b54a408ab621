"""Schema version 7: per-channel routing (filters, mode, weekday), listing pages, filtered days.

Kept apart like the other schemas; :data:`bot.storage.sqlite.schema.MIGRATIONS` lists it
after the rest. ``ALTER TABLE … ADD COLUMN`` with defaults: an older database keeps every row
and every subscription means what it meant (all papers, one card each).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "FILTERED_DAY_SQL",
    "FORGET_FILTERED_SQL",
    "PLAN_FILTERED_SQL",
    "PLAN_WEEK_FILTERED_SQL",
    "ROUTING_V7",
    "STATUS_FILTERED_SQL",
]

ROUTING_V7: Final = """
ALTER TABLE subscriptions ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';  -- JSON, {} = all
ALTER TABLE subscriptions ADD COLUMN mode TEXT NOT NULL DEFAULT 'cards';  -- cards|digest|weekly
ALTER TABLE subscriptions ADD COLUMN weekday INTEGER NOT NULL DEFAULT 0;  -- weekly: 0 = Monday
ALTER TABLE subscriptions ADD COLUMN empty_note INTEGER NOT NULL DEFAULT 0;

-- A listing page (digest or weekly mode) says which papers it lists: JSON of ListingPage.
ALTER TABLE outbox ADD COLUMN content TEXT NOT NULL DEFAULT '';

-- What a channel's filters left out of a digest, planned in the same transaction as its
-- outbox rows: what status counts as filtered (not missing), and what makes a day planned
-- even when nothing of it matched. Counted, one row per channel and day: the reasons paper
-- by paper are what a preview computes when asked.
CREATE TABLE filtered_days (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    left_out    INTEGER NOT NULL,               -- papers
    reasons     TEXT NOT NULL DEFAULT '[]',     -- JSON [[reason, papers], …], most first
    planned_at  REAL NOT NULL,
    PRIMARY KEY (platform, channel, digest_date)
) STRICT;
"""

PLAN_FILTERED_SQL: Final = (
    "INSERT INTO filtered_days VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, digest_date) DO NOTHING"
)
# A week's record replaces its newest digest's (``FilteredDay.week``).
PLAN_WEEK_FILTERED_SQL: Final = (
    "INSERT INTO filtered_days VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, digest_date) DO UPDATE SET left_out = excluded.left_out,"
    " reasons = excluded.reasons, planned_at = excluded.planned_at"
)
FILTERED_DAY_SQL: Final = (
    "SELECT left_out, reasons FROM filtered_days"
    " WHERE platform = ? AND channel = ? AND digest_date = ?"
)
FORGET_FILTERED_SQL: Final = (
    "DELETE FROM filtered_days WHERE platform = ? AND channel = ? AND digest_date = ?"
)
# Per channel: its newest filtered digest, and how many papers its filters left out.
STATUS_FILTERED_SQL: Final = (
    "SELECT platform, channel, digest_date, left_out FROM filtered_days f"
    " WHERE digest_date = (SELECT max(digest_date) FROM filtered_days g"
    " WHERE g.platform = f.platform AND g.channel = f.channel)"
    " ORDER BY platform, channel"
)
