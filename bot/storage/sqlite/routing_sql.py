"""Schema version 7: per-channel routing (filters, mode, weekday), listing pages, left-out papers.

Kept apart like the other schemas; :data:`bot.storage.sqlite.schema.MIGRATIONS` lists it
after the rest. ``ALTER TABLE … ADD COLUMN`` with defaults: an older database keeps every row
and every subscription means what it meant (all papers, one card each).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "FORGET_LEFT_OUT_SQL",
    "LEFT_OUT_OF_DAY_SQL",
    "PLAN_LEFT_OUT_SQL",
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

-- Papers a channel's filters left out of a digest, planned in the same transaction as its
-- outbox rows: what status counts as filtered (not missing), and what makes a day planned
-- even when nothing of it matched.
CREATE TABLE left_out (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    paper       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    planned_at  REAL NOT NULL,
    PRIMARY KEY (platform, channel, digest_date, paper)
) STRICT;
"""

PLAN_LEFT_OUT_SQL: Final = (
    "INSERT INTO left_out VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, digest_date, paper) DO NOTHING"
)
LEFT_OUT_OF_DAY_SQL: Final = (
    "SELECT paper, reason FROM left_out WHERE platform = ? AND channel = ? AND digest_date = ?"
    " ORDER BY rowid"
)
FORGET_LEFT_OUT_SQL: Final = (
    "DELETE FROM left_out WHERE platform = ? AND channel = ? AND digest_date = ?"
)
# Per channel: its newest digest with papers left out, and how many.
STATUS_FILTERED_SQL: Final = (
    "SELECT platform, channel, digest_date, count(*) FROM left_out l"
    " WHERE digest_date = (SELECT max(digest_date) FROM left_out m"
    " WHERE m.platform = l.platform AND m.channel = l.channel)"
    " GROUP BY platform, channel, digest_date ORDER BY platform, channel"
)
