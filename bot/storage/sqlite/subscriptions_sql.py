"""Schema version 3: subscriptions and the scheduler's record of each day's slot.

Kept apart from the archive and outbox schemas so each stays readable;
:data:`bot.storage.sqlite.schema.MIGRATIONS` lists all of them in order.
"""

from __future__ import annotations

from typing import Final

__all__ = ["SUBSCRIPTIONS_V3"]

SUBSCRIPTIONS_V3: Final = """
-- A channel that receives the daily digest at its own local time. One per channel: a second
-- /subscribe changes the settings of the first.
CREATE TABLE subscriptions (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    time        TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),  -- local HH:MM
    timezone    TEXT NOT NULL DEFAULT 'Asia/Seoul',                      -- IANA name
    sections    TEXT NOT NULL DEFAULT '',       -- comma-separated keys shown ('' = all)
    in_thread   INTEGER NOT NULL DEFAULT 0,     -- cards go in the thread under the header
    paused      INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL DEFAULT 'chat' CHECK (source IN ('config', 'chat')),
    created_at  REAL NOT NULL,                  -- epoch seconds; earlier slots are not owed
    updated_at  REAL NOT NULL,
    PRIMARY KEY (platform, channel)
) STRICT;

-- What became of each channel's slot on each local date. Keyed by channel, not subscription,
-- so unsubscribing and subscribing again on the same day cannot replay the day. A row is
-- written before the outbox is planned ('planning', with the chosen digest), so a restart in
-- between finishes the same plan instead of choosing again.
CREATE TABLE schedule_runs (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    local_date  TEXT NOT NULL,                  -- the slot's date in the channel's timezone
    slot_at     REAL NOT NULL,                  -- epoch seconds the slot was due
    state       TEXT NOT NULL
                CHECK (state IN ('waiting', 'planning', 'planned', 'skipped')),
    digest_date TEXT,                           -- the digest planned (from the file)
    reason      TEXT,                           -- why the slot was skipped
    updated_at  REAL NOT NULL,
    PRIMARY KEY (platform, channel, local_date)
) STRICT;
CREATE INDEX schedule_runs_recent ON schedule_runs (platform, channel, slot_at);
"""
