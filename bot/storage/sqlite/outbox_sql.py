"""Schema version 2: the delivery outbox, channel pauses and the single-deliverer lease.

Kept apart from the archive schema so each stays readable;
:data:`bot.storage.sqlite.schema.MIGRATIONS` lists both in order.
"""

from __future__ import annotations

from typing import Final

__all__ = ["OUTBOX_V2"]

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
