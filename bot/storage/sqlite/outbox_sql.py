"""Schema version 2: the delivery outbox, channel pauses and leases; and their statements.

Kept apart from the archive schema so each stays readable;
:data:`bot.storage.sqlite.schema.MIGRATIONS` lists both in order. The statements are those of
:mod:`bot.storage.sqlite.outbox` and :mod:`bot.storage.leases`; a shipped migration
never changes, a statement may.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CHANNELS_SQL",
    "CLAIM_SQL",
    "DEFER_SQL",
    "EXPIRE_LEASES_SQL",
    "EXTEND_LEASE_SQL",
    "FORGET_SQL",
    "HEADS_SQL",
    "HEAD_SQL",
    "LISTINGS_SQL",
    "LIVE_LEASES_SQL",
    "MARK_FAILED_SQL",
    "MARK_SENT_SQL",
    "NEWEST_DATE_SQL",
    "OF_DAY_SQL",
    "OUTBOX_V2",
    "PAUSED_SQL",
    "PAUSE_REASON_SQL",
    "PAUSE_SQL",
    "PLAN_SQL",
    "RELEASE_LEASES_SQL",
    "REQUEUE_COUNTS_SQL",
    "REQUEUE_PAUSED_SQL",
    "REQUEUE_SQL",
    "RESUME_SQL",
    "RETRY_LATER_SQL",
    "SENT_MESSAGE_SQL",
    "STATUS_COUNTS_SQL",
    "STATUS_FAILED_SQL",
    "TAKE_LEASE_SQL",
]

OUTBOX_V2: Final = """
-- One row per message a channel must receive: (platform, channel, digest date, paper).
-- Planning inserts with ON CONFLICT DO NOTHING, so planning twice plans nothing new, and the
-- row is the single source of truth of whether that card reached that channel.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    digest_date  TEXT NOT NULL,
    paper        TEXT NOT NULL,                 -- arXiv id, or 'header'
    position     INTEGER NOT NULL,              -- 0 for the header, then 1..N in digest order
    sections     TEXT NOT NULL DEFAULT '',      -- comma-separated keys shown ('' = all)
    in_thread    INTEGER NOT NULL DEFAULT 0,    -- cards go in the thread under the header
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   REAL NOT NULL DEFAULT 0,       -- epoch seconds of the next attempt
    attempted_at REAL,                          -- epoch seconds of the last attempt
    last_error   TEXT,
    message_id   TEXT,                          -- Discord message id or Slack ts, once sent
    thread_id    TEXT,
    planned_at   REAL NOT NULL,
    sent_at      REAL,
    UNIQUE (platform, channel, digest_date, paper)
) STRICT;
CREATE INDEX outbox_queue ON outbox (state, platform, channel, digest_date, position);

-- A channel paused by a permission or target error: nothing is sent there until retried.
CREATE TABLE paused_channels (
    platform  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    reason    TEXT NOT NULL,
    paused_at REAL NOT NULL,
    PRIMARY KEY (platform, channel)
) STRICT;

-- Leases with expiry: two paperbot processes on one database never both deliver.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at REAL NOT NULL
) STRICT;
"""

# The outbox. Every read of rows names these columns, in the order
# ``outbox_records.outbox_row`` reads.
_ROW: Final = (
    "id, platform, channel, digest_date, paper, position, sections, in_thread, state,"
    " attempts, not_before, attempted_at, last_error, message_id, thread_id, content"
)

PLAN_SQL: Final = (
    "INSERT INTO outbox (platform, channel, digest_date, paper, position, sections,"
    " in_thread, content, planned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, digest_date, paper) DO NOTHING"
)
HEAD_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = ? AND channel = ?"
    " AND state IN ('pending', 'sending') ORDER BY digest_date, position LIMIT 1"
)
OF_DAY_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = ? AND channel = ? AND digest_date = ?"
    " ORDER BY position"
)
# A listing's first page (``listing-1``, ``listing-week-1``): what it is, in its content.
LISTINGS_SQL: Final = (
    f"SELECT {_ROW} FROM outbox WHERE platform = ? AND channel = ? AND digest_date >= ?"
    " AND substr(paper, 1, 8) = 'listing-' AND position = 1 ORDER BY digest_date, id"
)
SENT_MESSAGE_SQL: Final = (
    "SELECT message_id FROM outbox WHERE platform = ? AND channel = ? AND digest_date = ?"
    " AND paper = ? AND state = 'sent'"
)
# The newest digest planned for a channel: sent in some form, or left out whole by its filters.
NEWEST_DATE_SQL: Final = (
    "SELECT max(d) FROM (SELECT max(digest_date) AS d FROM outbox"
    " WHERE platform = ?1 AND channel = ?2"
    " UNION ALL SELECT max(digest_date) FROM filtered_days WHERE platform = ?1 AND channel = ?2)"
)
CLAIM_SQL: Final = (
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, attempted_at = ?"
    " WHERE id = ? AND state = 'pending'"
)
MARK_SENT_SQL: Final = (
    "UPDATE outbox SET state = 'sent', message_id = ?, thread_id = ?, sent_at = ?,"
    " last_error = NULL WHERE id = ?"
)
RETRY_LATER_SQL: Final = (
    "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?,"
    " attempts = attempts - ? WHERE id = ?"
)
DEFER_SQL: Final = "UPDATE outbox SET not_before = ?, last_error = ? WHERE id = ?"
MARK_FAILED_SQL: Final = "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?"
FORGET_SQL: Final = (
    "DELETE FROM outbox WHERE platform = ? AND channel = ? AND digest_date = ?"
    " AND state != 'sending'"
)
#: Each unpaused channel's next row (``HEAD_SQL`` for every channel at once): a drain starts on
#: it instead of asking, so a fan-out to many channels starts with one query, not two per channel.
HEADS_SQL: Final = (
    f"SELECT {_ROW} FROM (SELECT o.*, row_number() OVER"
    " (PARTITION BY o.platform, o.channel ORDER BY o.digest_date, o.position) AS n"
    " FROM outbox o LEFT JOIN paused_channels p"
    " ON p.platform = o.platform AND p.channel = o.channel"
    " WHERE o.state IN ('pending', 'sending') AND p.channel IS NULL) AS heads"
    " WHERE n = 1 ORDER BY platform, channel"
)
CHANNELS_SQL: Final = (
    "SELECT platform, channel FROM outbox UNION SELECT platform, channel"
    " FROM paused_channels ORDER BY 1, 2"
)
STATUS_COUNTS_SQL: Final = (
    "SELECT platform, channel,"
    " max(CASE WHEN state = 'sent' THEN digest_date END),"
    " sum(state = 'pending'), sum(state = 'sending')"
    " FROM outbox GROUP BY platform, channel ORDER BY platform, channel"
)
STATUS_FAILED_SQL: Final = (
    "SELECT platform, channel, digest_date, paper, coalesce(last_error, '') FROM outbox"
    " WHERE state = 'failed' ORDER BY digest_date, position"
)

# Paused channels, and ``paperbot retry``. ``?1``/``?2`` are the platform and channel to
# requeue, NULL for any.
PAUSE_SQL: Final = (
    "INSERT INTO paused_channels VALUES (?, ?, ?, ?)"
    " ON CONFLICT (platform, channel) DO UPDATE SET reason = excluded.reason"
)
PAUSE_REASON_SQL: Final = "SELECT reason FROM paused_channels WHERE platform = ? AND channel = ?"
PAUSED_SQL: Final = "SELECT platform, channel, reason FROM paused_channels"
_MATCHING: Final = "(?1 IS NULL OR platform = ?1) AND (?2 IS NULL OR channel = ?2)"
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

# Leases. A lease is taken when it is free, expired, or already the taker's: the ``WHERE`` of
# the upsert decides, so of two processes taking at once exactly one changes the row.
TAKE_LEASE_SQL: Final = (
    "INSERT INTO leases VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
    " owner = excluded.owner, expires_at = excluded.expires_at"
    " WHERE leases.owner = excluded.owner OR leases.expires_at <= ?"
)
LIVE_LEASES_SQL: Final = (
    "SELECT name, owner, expires_at FROM leases WHERE expires_at > ? ORDER BY name"
)
EXTEND_LEASE_SQL: Final = "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?"
EXPIRE_LEASES_SQL: Final = "UPDATE leases SET expires_at = 0 WHERE owner = ?"
RELEASE_LEASES_SQL: Final = "DELETE FROM leases WHERE owner = ?"
