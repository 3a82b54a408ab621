"""Schema version 3: subscriptions and the record of each day's slot; and their statements.

Kept apart from the archive and outbox schemas so each stays readable;
:data:`bot.storage.sqlite.schema.MIGRATIONS` lists all of them in order. The statements are
those of :mod:`bot.storage.subscription_table` and :mod:`bot.storage.sqlite.schedule_runs`.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ADVANCE_RUN_SQL",
    "FINAL_RUNS_SQL",
    "PUT_SUBSCRIPTION_SQL",
    "RECENT_RUNS_SQL",
    "REMOVE_SUBSCRIPTION_SQL",
    "RUN_STATES_BATCH",
    "SCHEDULE_RUN_SQL",
    "SUBSCRIPTIONS_SQL",
    "SUBSCRIPTIONS_V3",
    "SUBSCRIPTION_SQL",
]

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

# Subscriptions. Every read names these columns, in the order ``_subscription`` reads.
_SUBSCRIPTION: Final = (
    "platform, channel, time, timezone, sections, in_thread, paused, source, created_at,"
    " updated_at, filters, mode, weekday, empty_note, rank"
)
SUBSCRIPTION_SQL: Final = (
    f"SELECT {_SUBSCRIPTION} FROM subscriptions WHERE platform = ? AND channel = ?"
)
SUBSCRIPTIONS_SQL: Final = (
    f"SELECT {_SUBSCRIPTION} FROM subscriptions WHERE ? IS NULL OR platform = ?"
    " ORDER BY platform, channel"
)
PUT_SUBSCRIPTION_SQL: Final = (
    f"INSERT INTO subscriptions ({_SUBSCRIPTION})"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel) DO UPDATE SET time = excluded.time,"
    " timezone = excluded.timezone, sections = excluded.sections,"
    " in_thread = excluded.in_thread, paused = excluded.paused,"
    " source = excluded.source, updated_at = excluded.updated_at,"
    " filters = excluded.filters, mode = excluded.mode, weekday = excluded.weekday,"
    " empty_note = excluded.empty_note, rank = excluded.rank"
)
REMOVE_SUBSCRIPTION_SQL: Final = "DELETE FROM subscriptions WHERE platform = ? AND channel = ?"

# Schedule runs, read and written in the order ``_schedule_run`` reads.
_RUN: Final = "platform, channel, local_date, slot_at, state, digest_date, reason, updated_at"
SCHEDULE_RUN_SQL: Final = (
    f"SELECT {_RUN} FROM schedule_runs WHERE platform = ? AND channel = ? AND local_date = ?"
)
RECENT_RUNS_SQL: Final = (
    f"SELECT {_RUN} FROM schedule_runs WHERE platform = ? AND channel = ?"
    " ORDER BY slot_at DESC LIMIT ?"
)
# Of the given slots (row values, up to RUN_STATES_BATCH of them), the ones that are final.
RUN_STATES_BATCH: Final = 500
FINAL_RUNS_SQL: Final = (
    "SELECT platform, channel, local_date FROM schedule_runs"
    " WHERE state IN ('planned', 'skipped') AND (platform, channel, local_date) IN (VALUES {rows})"
)
# The forward-only guard: waiting → anything, planning → planning or final, final → nothing.
ADVANCE_RUN_SQL: Final = (
    f"INSERT INTO schedule_runs ({_RUN}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, local_date) DO UPDATE SET"
    " state = excluded.state, digest_date = excluded.digest_date,"
    " reason = excluded.reason, updated_at = excluded.updated_at"
    " WHERE schedule_runs.state = 'waiting'"
    " OR (schedule_runs.state = 'planning' AND excluded.state != 'waiting')"
)
