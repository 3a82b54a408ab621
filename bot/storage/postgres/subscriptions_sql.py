"""Schema version 2: subscriptions and the record of each day's slot; and their statements.

The same tables, columns and meaning as SQLite's (:mod:`bot.storage.sqlite.subscriptions_sql`
with the ``subscriptions`` columns added by :mod:`bot.storage.sqlite.routing_sql` and
:mod:`bot.storage.sqlite.voice_sql`), in PostgreSQL's types as in
:mod:`bot.storage.postgres.outbox_sql`: ``DOUBLE PRECISION`` epoch seconds, ``BOOLEAN`` flags,
``TEXT`` ISO dates, key columns ``COLLATE "C"`` so every ``ORDER BY`` agrees with SQLite's.
The statements are those of :mod:`bot.storage.subscription_table` and
:mod:`bot.storage.postgres.schedule_runs`.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ADVANCE_RUN_SQL",
    "DAILY_V2",
    "PUT_SUBSCRIPTION_SQL",
    "RECENT_RUNS_SQL",
    "REMOVE_SUBSCRIPTION_SQL",
    "SCHEDULE_RUN_SQL",
    "SUBSCRIPTIONS_SQL",
    "SUBSCRIPTION_SQL",
]

DAILY_V2: Final = """
-- A channel that receives the daily digest at its own local time. One per channel: a second
-- /subscribe changes the settings of the first.
CREATE TABLE subscriptions (
    platform    TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    time        TEXT NOT NULL CHECK (time ~ '^[0-2][0-9]:[0-5][0-9]$'),  -- local HH:MM
    timezone    TEXT NOT NULL DEFAULT 'Asia/Seoul',                     -- IANA name
    sections    TEXT NOT NULL DEFAULT '',       -- comma-separated keys shown ('' = all)
    in_thread   BOOLEAN NOT NULL DEFAULT FALSE, -- cards go in the thread under the header
    paused      BOOLEAN NOT NULL DEFAULT FALSE,
    source      TEXT NOT NULL DEFAULT 'chat' CHECK (source IN ('config', 'chat')),
    created_at  DOUBLE PRECISION NOT NULL,      -- epoch seconds; earlier slots are not owed
    updated_at  DOUBLE PRECISION NOT NULL,
    filters     TEXT NOT NULL DEFAULT '{}',     -- JSON, {} = all
    mode        TEXT NOT NULL DEFAULT 'cards',  -- cards|digest|weekly
    weekday     INTEGER NOT NULL DEFAULT 0,     -- weekly: 0 = Monday
    empty_note  BOOLEAN NOT NULL DEFAULT FALSE,
    rank        TEXT NOT NULL DEFAULT 'upvotes',
    PRIMARY KEY (platform, channel)
);

-- What became of each channel's slot on each local date. Keyed by channel, not subscription,
-- so unsubscribing and subscribing again on the same day cannot replay the day. A row is
-- written before the outbox is planned ('planning', with the chosen digest), so a restart in
-- between finishes the same plan instead of choosing again.
CREATE TABLE schedule_runs (
    platform    TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    local_date  TEXT COLLATE "C" NOT NULL,      -- the slot's date in the channel's timezone
    slot_at     DOUBLE PRECISION NOT NULL,      -- epoch seconds the slot was due
    state       TEXT NOT NULL
                CHECK (state IN ('waiting', 'planning', 'planned', 'skipped')),
    digest_date TEXT,                           -- the digest planned (from the file)
    reason      TEXT,                           -- why the slot was skipped
    updated_at  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, channel, local_date)
);
CREATE INDEX schedule_runs_recent ON schedule_runs (platform, channel, slot_at);
"""

# Subscriptions. Every read names these columns, in the order ``_subscription`` reads.
_SUBSCRIPTION: Final = (
    "platform, channel, time, timezone, sections, in_thread, paused, source, created_at,"
    " updated_at, filters, mode, weekday, empty_note, rank"
)
SUBSCRIPTION_SQL: Final = (
    f"SELECT {_SUBSCRIPTION} FROM subscriptions WHERE platform = %s AND channel = %s"
)
# Parameters: the platform twice, NULL for any.
SUBSCRIPTIONS_SQL: Final = (
    f"SELECT {_SUBSCRIPTION} FROM subscriptions WHERE %s::text IS NULL OR platform = %s"
    " ORDER BY platform, channel"
)
# The upsert leaves ``created_at`` as it was.
PUT_SUBSCRIPTION_SQL: Final = (
    f"INSERT INTO subscriptions ({_SUBSCRIPTION})"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel) DO UPDATE SET time = excluded.time,"
    " timezone = excluded.timezone, sections = excluded.sections,"
    " in_thread = excluded.in_thread, paused = excluded.paused,"
    " source = excluded.source, updated_at = excluded.updated_at,"
    " filters = excluded.filters, mode = excluded.mode, weekday = excluded.weekday,"
    " empty_note = excluded.empty_note, rank = excluded.rank"
)
REMOVE_SUBSCRIPTION_SQL: Final = "DELETE FROM subscriptions WHERE platform = %s AND channel = %s"

# Schedule runs, read and written in the order ``_schedule_run`` reads.
_RUN: Final = "platform, channel, local_date, slot_at, state, digest_date, reason, updated_at"
SCHEDULE_RUN_SQL: Final = (
    f"SELECT {_RUN} FROM schedule_runs WHERE platform = %s AND channel = %s AND local_date = %s"
)
RECENT_RUNS_SQL: Final = (
    f"SELECT {_RUN} FROM schedule_runs WHERE platform = %s AND channel = %s"
    " ORDER BY slot_at DESC LIMIT %s"
)
# The forward-only guard: waiting → anything, planning → planning or final, final → nothing.
# Of two writers upserting one slot at once, the second waits for the first's row and checks
# the guard against it; the row it returns says whether it moved the slot.
ADVANCE_RUN_SQL: Final = (
    f"INSERT INTO schedule_runs ({_RUN}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel, local_date) DO UPDATE SET"
    " state = excluded.state, digest_date = excluded.digest_date,"
    " reason = excluded.reason, updated_at = excluded.updated_at"
    " WHERE schedule_runs.state = 'waiting'"
    " OR (schedule_runs.state = 'planning' AND excluded.state != 'waiting')"
    " RETURNING 1"
)
