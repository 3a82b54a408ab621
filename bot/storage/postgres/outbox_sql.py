"""The delivery tables in PostgreSQL, and their statements.

The same tables, columns and meaning as SQLite's (:mod:`bot.storage.sqlite.outbox_sql` and the
``filtered_days`` table of :mod:`bot.storage.sqlite.routing_sql`), in PostgreSQL's types:
``BIGINT`` ids, ``DOUBLE PRECISION`` epoch seconds, ``BOOLEAN`` flags, ``TEXT`` ISO dates. Key
columns are ``COLLATE "C"``: compared and sorted byte by byte as SQLite does, whatever the
database's locale, so ``max(digest_date)`` and every ``ORDER BY`` agree with SQLite's.
Placeholders are ``%s``; where SQLite names one parameter twice (``?1``), it is passed twice.
"""

from __future__ import annotations

from typing import Final

# Each unpaused channel's next row: no parameters and standard SQL (a window function), so the
# statement is SQLite's, word for word.
from bot.storage.sqlite.outbox_sql import HEADS_SQL

__all__ = [
    "CHANNELS_SQL",
    "CLAIM_SQL",
    "DEFER_SQL",
    "DELIVERY_V1",
    "EXPIRE_LEASES_SQL",
    "EXTEND_LEASE_SQL",
    "FILTERED_DAY_SQL",
    "FORGET_FILTERED_SQL",
    "FORGET_SQL",
    "HEADS_SQL",
    "HEAD_SQL",
    "LISTINGS_SQL",
    "LIVE_LEASES_SQL",
    "MARK_FAILED_SQL",
    "MARK_SENT_SQL",
    "NEWEST_DATE_SQL",
    "OF_DAY_SQL",
    "PAUSED_SQL",
    "PAUSE_REASON_SQL",
    "PAUSE_SQL",
    "PLAN_FILTERED_SQL",
    "PLAN_SQL",
    "PLAN_WEEK_FILTERED_SQL",
    "RELEASE_LEASES_SQL",
    "REQUEUE_COUNTS_SQL",
    "REQUEUE_PAUSED_SQL",
    "REQUEUE_SQL",
    "RESUME_SQL",
    "RETRY_LATER_SQL",
    "SENT_MESSAGE_SQL",
    "STATUS_COUNTS_SQL",
    "STATUS_FAILED_SQL",
    "STATUS_FILTERED_SQL",
    "TAKE_LEASE_SQL",
]

DELIVERY_V1: Final = """
-- One row per message a channel must receive: (platform, channel, digest date, paper).
CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform     TEXT COLLATE "C" NOT NULL,
    channel      TEXT COLLATE "C" NOT NULL,
    digest_date  TEXT COLLATE "C" NOT NULL,                 -- ISO date
    paper        TEXT COLLATE "C" NOT NULL,                 -- arXiv id, or 'header'
    position     INTEGER NOT NULL,              -- 0 for the header, then 1..N in digest order
    sections     TEXT NOT NULL DEFAULT '',      -- comma-separated keys shown ('' = all)
    in_thread    BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   DOUBLE PRECISION NOT NULL DEFAULT 0,  -- epoch seconds of the next attempt
    attempted_at DOUBLE PRECISION,
    last_error   TEXT,
    message_id   TEXT,
    thread_id    TEXT,
    planned_at   DOUBLE PRECISION NOT NULL,
    sent_at      DOUBLE PRECISION,
    content      TEXT NOT NULL DEFAULT '',      -- a listing page's ListingPage JSON
    UNIQUE (platform, channel, digest_date, paper)
);
CREATE INDEX outbox_queue ON outbox (state, platform, channel, digest_date, position);

CREATE TABLE paused_channels (
    platform  TEXT COLLATE "C" NOT NULL,
    channel   TEXT COLLATE "C" NOT NULL,
    reason    TEXT NOT NULL,
    paused_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, channel)
);

-- What a channel's filters left out of a digest, planned with its outbox rows.
CREATE TABLE filtered_days (
    platform    TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    digest_date TEXT COLLATE "C" NOT NULL,
    left_out    INTEGER NOT NULL,
    reasons     TEXT NOT NULL DEFAULT '[]',     -- JSON [[reason, papers], …], most first
    planned_at  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, channel, digest_date)
);

-- Leases with expiry: two paperbot processes on one database never both deliver.
CREATE TABLE leases (
    name       TEXT COLLATE "C" PRIMARY KEY,
    owner      TEXT COLLATE "C" NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
"""

# Every read of rows names these columns, in the order ``outbox_records.outbox_row`` reads.
_ROW: Final = (
    "id, platform, channel, digest_date, paper, position, sections, in_thread, state,"
    " attempts, not_before, attempted_at, last_error, message_id, thread_id, content"
)

PLAN_SQL: Final = (
    "INSERT INTO outbox (platform, channel, digest_date, paper, position, sections,"
    " in_thread, content, planned_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel, digest_date, paper) DO NOTHING"
)
HEAD_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = %s AND channel = %s"
    " AND state IN ('pending', 'sending') ORDER BY digest_date, position LIMIT 1"
)
OF_DAY_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = %s AND channel = %s AND digest_date = %s"
    " ORDER BY position"
)
# A listing's first page (``listing-1``, ``listing-week-1``): what it is, in its content.
LISTINGS_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = %s AND channel = %s AND digest_date >= %s"
    " AND substr(paper, 1, 8) = 'listing-' AND position = 1 ORDER BY digest_date, id"
)
SENT_MESSAGE_SQL: Final = (
    "SELECT message_id FROM outbox WHERE platform = %s AND channel = %s AND digest_date = %s"
    " AND paper = %s AND state = 'sent'"
)
# Parameters: platform, channel, platform, channel.
NEWEST_DATE_SQL: Final = (
    "SELECT max(d) FROM (SELECT max(digest_date) AS d FROM outbox"
    " WHERE platform = %s AND channel = %s"
    " UNION ALL SELECT max(digest_date) FROM filtered_days WHERE platform = %s AND channel = %s)"
    " AS newest"
)
# The row is picked with FOR UPDATE SKIP LOCKED: a row another transaction is claiming right
# now is not waited for but left to it. Parameters: the row id, then the time.
CLAIM_SQL: Final = (
    "WITH picked AS (SELECT id FROM outbox WHERE id = %s AND state = 'pending'"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE outbox SET state = 'sending', attempts = attempts + 1, attempted_at = %s"
    " FROM picked WHERE outbox.id = picked.id"
)
MARK_SENT_SQL: Final = (
    "UPDATE outbox SET state = 'sent', message_id = %s, thread_id = %s, sent_at = %s,"
    " last_error = NULL WHERE id = %s"
)
RETRY_LATER_SQL: Final = (
    "UPDATE outbox SET state = 'pending', not_before = %s, last_error = %s,"
    " attempts = attempts - %s WHERE id = %s"
)
DEFER_SQL: Final = "UPDATE outbox SET not_before = %s, last_error = %s WHERE id = %s"
MARK_FAILED_SQL: Final = "UPDATE outbox SET state = 'failed', last_error = %s WHERE id = %s"
FORGET_SQL: Final = (
    "DELETE FROM outbox WHERE platform = %s AND channel = %s AND digest_date = %s"
    " AND state != 'sending'"
)
CHANNELS_SQL: Final = (
    "SELECT platform, channel FROM outbox UNION SELECT platform, channel"
    " FROM paused_channels ORDER BY 1, 2"
)
STATUS_COUNTS_SQL: Final = (
    "SELECT platform, channel,"
    " max(CASE WHEN state = 'sent' THEN digest_date END),"
    " count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'sending')"
    " FROM outbox GROUP BY platform, channel ORDER BY platform, channel"
)
STATUS_FAILED_SQL: Final = (
    "SELECT platform, channel, digest_date, paper, coalesce(last_error, '') FROM outbox"
    " WHERE state = 'failed' ORDER BY digest_date, position"
)

# Paused channels, and ``paperbot retry``. ``_MATCHING`` takes the platform twice, then the
# channel twice, NULL for any.
PAUSE_SQL: Final = (
    "INSERT INTO paused_channels VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (platform, channel) DO UPDATE SET reason = excluded.reason"
)
PAUSE_REASON_SQL: Final = "SELECT reason FROM paused_channels WHERE platform = %s AND channel = %s"
PAUSED_SQL: Final = "SELECT platform, channel, reason FROM paused_channels"
_MATCHING: Final = "(%s::text IS NULL OR platform = %s) AND (%s::text IS NULL OR channel = %s)"
REQUEUE_COUNTS_SQL: Final = (
    "SELECT platform, channel, count(*) FROM outbox"
    f" WHERE state = 'failed' AND {_MATCHING} GROUP BY platform, channel"
)
REQUEUE_PAUSED_SQL: Final = (
    f"SELECT platform, channel, reason FROM paused_channels WHERE {_MATCHING}"
)
REQUEUE_SQL: Final = (
    "UPDATE outbox SET state = 'pending', attempts = 0, not_before = 0"
    f" WHERE state = 'failed' AND {_MATCHING}"
)
RESUME_SQL: Final = f"DELETE FROM paused_channels WHERE {_MATCHING}"

# Filtered days.
PLAN_FILTERED_SQL: Final = (
    "INSERT INTO filtered_days VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel, digest_date) DO NOTHING"
)
# A week's record replaces its newest digest's (``FilteredDay.week``).
PLAN_WEEK_FILTERED_SQL: Final = (
    "INSERT INTO filtered_days VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel, digest_date) DO UPDATE SET left_out = excluded.left_out,"
    " reasons = excluded.reasons, planned_at = excluded.planned_at"
)
FILTERED_DAY_SQL: Final = (
    "SELECT left_out, reasons FROM filtered_days"
    " WHERE platform = %s AND channel = %s AND digest_date = %s"
)
FORGET_FILTERED_SQL: Final = (
    "DELETE FROM filtered_days WHERE platform = %s AND channel = %s AND digest_date = %s"
)
STATUS_FILTERED_SQL: Final = (
    "SELECT platform, channel, digest_date, left_out FROM filtered_days f"
    " WHERE digest_date = (SELECT max(digest_date) FROM filtered_days g"
    " WHERE g.platform = f.platform AND g.channel = f.channel)"
    " ORDER BY platform, channel"
)

# Leases, as in SQLite: the upsert's ``WHERE`` lets a take through only when the lease is
# free, expired at the caller's ``now`` (the last parameter), or already the taker's; of two
# processes taking at once, the second waits for the first's row and then sees it.
TAKE_LEASE_SQL: Final = (
    "INSERT INTO leases VALUES (%s, %s, %s) ON CONFLICT (name) DO UPDATE SET"
    " owner = excluded.owner, expires_at = excluded.expires_at"
    " WHERE leases.owner = excluded.owner OR leases.expires_at <= %s"
)
LIVE_LEASES_SQL: Final = (
    "SELECT name, owner, expires_at FROM leases WHERE expires_at > %s ORDER BY name"
)
EXTEND_LEASE_SQL: Final = "UPDATE leases SET expires_at = %s WHERE name = %s AND owner = %s"
EXPIRE_LEASES_SQL: Final = "UPDATE leases SET expires_at = 0 WHERE owner = %s"
RELEASE_LEASES_SQL: Final = "DELETE FROM leases WHERE owner = %s"
