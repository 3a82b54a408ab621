"""Schema version 4: the group's voice (reactions, count edits, reading lists, follows).

The same tables, columns and meaning as SQLite's version 8 (:mod:`bot.storage.sqlite.voice_sql`;
its ``subscriptions.rank`` column is in version 2 here), in PostgreSQL's types as in
:mod:`bot.storage.postgres.outbox_sql`: ``DOUBLE PRECISION`` epoch seconds, a ``BOOLEAN`` flag,
``TEXT`` ISO dates and JSON, key columns ``COLLATE "C"`` so ``max(digest_date)`` and every
``ORDER BY`` agree with SQLite's. The column ``user`` keeps its SQLite name; PostgreSQL reserves
the word, so every statement quotes it (unquoted it would mean the session's role).

Where a write names one value twice it takes named parameters (``%(now)s``: its transaction
passes a dict); reads, through ``Database.query``, stay positional. Statements
that lock several rows lock them in key order (``ORDER BY … FOR UPDATE``), so two processes
touching the same rows wait for each other instead of deadlocking.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "COUNTS_SQL",
    "DROP_EDIT_SQL",
    "DUE_EDITS_SQL",
    "EDITED_SQL",
    "EDITS_OF_PAPER_SQL",
    "EDIT_DUE_SQL",
    "EXPORTED_SQL",
    "FOLLOWS_SQL",
    "FOLLOW_DAY_SQL",
    "FOLLOW_SENT_SQL",
    "FOLLOW_SQL",
    "FORGET_DMS_SQLS",
    "FORGET_FOLLOW_SQLS",
    "FORGET_REACTIONS_SQL",
    "HIDE_SQL",
    "KNOWN_PAPER_SQL",
    "LOCK_MEMBER_REACTIONS_SQL",
    "NEXT_EDIT_SQL",
    "PLANNED_DAYS_SQL",
    "POSTPONE_EDIT_SQL",
    "PUT_FOLLOW_SQL",
    "REACTION_DELETE_SQL",
    "REACTION_INSERT_SQL",
    "READING_LIST_COUNT_SQL",
    "READING_LIST_SQL",
    "REMOVE_FOLLOW_SQL",
    "SAVED_COUNT_SQL",
    "SAVED_SQL",
    "SENT_PAPERS_SQL",
    "TOLD_SQL",
    "UNSAVE_SQL",
    "VOICE_V4",
]

VOICE_V4: Final = """
-- One person's 👍 (like) or 🔖 (save) of a paper in a channel: a row while it is on.
CREATE TABLE reactions (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,      -- Slack team id, Discord guild id
    channel     TEXT COLLATE "C" NOT NULL,
    "user"      TEXT COLLATE "C" NOT NULL,
    arxiv_id    TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('like', 'save')),
    digest_date TEXT COLLATE "C",               -- the card's digest, when known
    at          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, workspace, channel, "user", arxiv_id, kind)
);
CREATE INDEX reactions_by_paper ON reactions (platform, channel, arxiv_id);
CREATE INDEX reactions_by_member ON reactions (platform, workspace, "user", kind, at);

-- A posted card whose buttons must show new counts. Durable, so a restart between a press
-- and its edit still makes the edit; one row per message, so presses coalesce.
CREATE TABLE count_edits (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    message     TEXT COLLATE "C" NOT NULL,
    arxiv_id    TEXT COLLATE "C" NOT NULL,
    digest_date TEXT COLLATE "C",
    dirty       BOOLEAN NOT NULL,               -- counts changed since the last edit
    due_at      DOUBLE PRECISION NOT NULL,
    edited_at   DOUBLE PRECISION,               -- the last edit, for the per-message window
    version     INTEGER NOT NULL DEFAULT 0,     -- presses so far: an edit for an older one
    PRIMARY KEY (platform, channel, message)    --   leaves the row dirty
);
CREATE INDEX count_edits_due ON count_edits (dirty, due_at);
CREATE INDEX count_edits_by_paper ON count_edits (platform, channel, arxiv_id);

-- Papers an admin took off a channel's reading list (the members' reactions stay theirs).
CREATE TABLE reading_list_hidden (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    arxiv_id    TEXT COLLATE "C" NOT NULL,
    hidden_at   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, channel, arxiv_id)
);

-- A member's follow: terms and authors as JSON lists, matched like a channel's include.
CREATE TABLE follows (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,
    "user"      TEXT COLLATE "C" NOT NULL,
    terms       TEXT NOT NULL DEFAULT '[]',
    authors     TEXT NOT NULL DEFAULT '[]',
    created_at  DOUBLE PRECISION NOT NULL,
    told_pause  TEXT,                           -- the DM failure the member was told about
    PRIMARY KEY (platform, workspace, "user")
);

-- The digests whose follow DM is planned for a member (planned in the outbox's transaction;
-- the row is what a planner claims, so two processes plan a member's day once), and the
-- papers a DM listed: each paper once per person, whatever day it comes back.
CREATE TABLE follow_days (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,
    "user"      TEXT COLLATE "C" NOT NULL,
    digest_date TEXT COLLATE "C" NOT NULL,
    planned_at  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, workspace, "user", digest_date)
);
CREATE TABLE follow_sent (
    platform    TEXT COLLATE "C" NOT NULL,
    workspace   TEXT COLLATE "C" NOT NULL,
    "user"      TEXT COLLATE "C" NOT NULL,
    arxiv_id    TEXT COLLATE "C" NOT NULL,
    digest_date TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (platform, workspace, "user", arxiv_id)
);
"""

_MEMBER = 'platform = %s AND workspace = %s AND "user" = %s'
_REACTION = _MEMBER + " AND channel = %s AND arxiv_id = %s AND kind = %s"
_COUNTS = "count(*) FILTER (WHERE r.kind = 'like'), count(*) FILTER (WHERE r.kind = 'save')"

REACTION_DELETE_SQL: Final = f"DELETE FROM reactions WHERE {_REACTION}"
# A press on a paper the archive does not hold (a forged or stale button) inserts nothing;
# nor does a press whose row another process inserted meanwhile (the caller then undoes it).
REACTION_INSERT_SQL: Final = (
    'INSERT INTO reactions (platform, workspace, "user", channel, arxiv_id, kind, digest_date,'
    " at) SELECT %(platform)s, %(workspace)s, %(user)s, %(channel)s, %(arxiv_id)s, %(kind)s,"
    " %(day)s, %(now)s WHERE EXISTS (SELECT 1 FROM entries WHERE arxiv_id = %(arxiv_id)s)"
    " ON CONFLICT DO NOTHING"
)
KNOWN_PAPER_SQL: Final = "SELECT EXISTS (SELECT 1 FROM entries WHERE arxiv_id = %s)"
COUNTS_SQL: Final = (
    f"SELECT r.arxiv_id, {_COUNTS} FROM reactions r"
    " WHERE r.platform = %s AND r.channel = %s AND r.arxiv_id = ANY(%s) GROUP BY r.arxiv_id"
)
# An edit already waiting keeps its time; otherwise due now, or a window after the last edit.
# Of concurrent presses on one card, each waits here for the one before to commit: the counts
# each then reads include every press before it.
EDIT_DUE_SQL: Final = """
INSERT INTO count_edits AS c (platform, workspace, channel, message, arxiv_id, digest_date,
                              dirty, due_at, edited_at, version)
VALUES (%(platform)s, %(workspace)s, %(channel)s, %(message)s, %(arxiv_id)s, %(day)s,
        TRUE, %(now)s, NULL, 1)
ON CONFLICT (platform, channel, message) DO UPDATE SET
    version = c.version + 1,
    due_at = CASE WHEN c.dirty THEN c.due_at
                  ELSE greatest(%(now)s, coalesce(c.edited_at, 0) + %(window)s) END,
    dirty = TRUE
"""
# Presses through /saved or /saved clear: every card of the channel showing the paper, its
# rows locked in key order first.
EDITS_OF_PAPER_SQL: Final = """
WITH due AS (
    SELECT platform, channel, message FROM count_edits
    WHERE platform = %(platform)s AND channel = %(channel)s AND arxiv_id = %(arxiv_id)s
    ORDER BY message FOR UPDATE
)
UPDATE count_edits c SET
    version = c.version + 1,
    due_at = CASE WHEN c.dirty THEN c.due_at
                  ELSE greatest(%(now)s, coalesce(c.edited_at, 0) + %(window)s) END,
    dirty = TRUE
FROM due
WHERE c.platform = due.platform AND c.channel = due.channel AND c.message = due.message
"""
DUE_EDITS_SQL: Final = (
    "SELECT platform, workspace, channel, message, arxiv_id, digest_date, version"
    " FROM count_edits WHERE dirty AND due_at <= %s ORDER BY due_at, platform, channel, message"
    " LIMIT %s"
)
NEXT_EDIT_SQL: Final = "SELECT min(due_at) FROM count_edits WHERE dirty"
EDITED_SQL: Final = """
UPDATE count_edits SET
    edited_at = %(now)s,
    dirty = version != %(version)s,
    due_at = CASE WHEN version != %(version)s THEN %(now)s + %(window)s ELSE due_at END
WHERE platform = %(platform)s AND channel = %(channel)s AND message = %(message)s
"""
POSTPONE_EDIT_SQL: Final = (
    "UPDATE count_edits SET due_at = %s WHERE platform = %s AND channel = %s AND message = %s"
)
DROP_EDIT_SQL: Final = (
    "DELETE FROM count_edits WHERE platform = %s AND channel = %s AND message = %s"
)

_TITLE = (
    "(SELECT e.display_title FROM entries e WHERE e.arxiv_id = r.arxiv_id"
    " ORDER BY e.date DESC LIMIT 1)"
)
SAVED_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), max(r.at) AS newest FROM reactions r
WHERE r.platform = %s AND r.workspace = %s AND r."user" = %s AND r.kind = 'save'
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id LIMIT %s OFFSET %s
"""
SAVED_COUNT_SQL: Final = (
    "SELECT count(DISTINCT arxiv_id) FROM reactions"
    " WHERE platform = %s AND workspace = %s AND \"user\" = %s AND kind = 'save'"
)
# The member's reactions an unsave (a paper's saves) or a forget (``NULL``: all) deletes,
# locked in key order; their channels' cards of those papers need new counts.
LOCK_MEMBER_REACTIONS_SQL: Final = """
SELECT channel, arxiv_id FROM reactions
WHERE platform = %(platform)s AND workspace = %(workspace)s AND "user" = %(user)s
  AND (%(arxiv_id)s::text IS NULL OR (arxiv_id = %(arxiv_id)s AND kind = 'save'))
ORDER BY channel, arxiv_id, kind FOR UPDATE
"""
UNSAVE_SQL: Final = f"DELETE FROM reactions WHERE {_MEMBER} AND arxiv_id = %s AND kind = 'save'"
FORGET_REACTIONS_SQL: Final = f"DELETE FROM reactions WHERE {_MEMBER}"
FORGET_FOLLOW_SQLS: Final = tuple(
    f"DELETE FROM {table} WHERE {_MEMBER}" for table in ("follows", "follow_days", "follow_sent")
)
# The member's direct messages, sent or waiting, and their pause: their channel names them.
FORGET_DMS_SQLS: Final = tuple(
    f"DELETE FROM {table} WHERE platform = %s AND channel = %s"
    for table in ("outbox", "paused_channels")
)
# Reads go through ``Database.query`` with positional parameters: where SQLite names one twice
# (``?1``), the hidden papers correlate on the reaction's columns, or the value is passed again.
_SHOWN = """r.platform = %s AND r.channel = %s
  AND NOT EXISTS (SELECT 1 FROM reading_list_hidden h WHERE h.platform = r.platform
                  AND h.channel = r.channel AND h.arxiv_id = r.arxiv_id)"""
READING_LIST_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), {_COUNTS}, max(r.at) AS newest
FROM reactions r WHERE {_SHOWN}
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id LIMIT %s OFFSET %s
"""
READING_LIST_COUNT_SQL: Final = f"SELECT count(DISTINCT r.arxiv_id) FROM reactions r WHERE {_SHOWN}"
HIDE_SQL: Final = (
    "INSERT INTO reading_list_hidden VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (platform, channel, arxiv_id) DO NOTHING"
)
# Parameters: platform, channel, the user twice, the kind twice, the user again (NULL: any).
EXPORTED_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), max(r.at) AS newest FROM reactions r
WHERE r.platform = %s AND r.channel = %s
  AND (%s::text IS NULL OR r."user" = %s)
  AND (%s::text IS NULL OR r.kind = %s)
  AND (%s::text IS NOT NULL OR NOT EXISTS (SELECT 1 FROM reading_list_hidden h
       WHERE h.platform = r.platform AND h.channel = r.channel AND h.arxiv_id = r.arxiv_id))
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id
"""

_FOLLOW = 'platform, workspace, "user", terms, authors, created_at, told_pause'
FOLLOW_SQL: Final = f"SELECT {_FOLLOW} FROM follows WHERE {_MEMBER}"
FOLLOWS_SQL: Final = f'SELECT {_FOLLOW} FROM follows WHERE platform = %s ORDER BY workspace, "user"'
PUT_FOLLOW_SQL: Final = f"""
INSERT INTO follows ({_FOLLOW}) VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (platform, workspace, "user") DO UPDATE SET
    terms = excluded.terms, authors = excluded.authors, told_pause = excluded.told_pause
"""
REMOVE_FOLLOW_SQL: Final = f"DELETE FROM follows WHERE {_MEMBER}"
TOLD_SQL: Final = f"UPDATE follows SET told_pause = %s WHERE {_MEMBER}"
PLANNED_DAYS_SQL: Final = (
    'SELECT workspace, "user" FROM follow_days WHERE platform = %s AND digest_date = %s'
)
SENT_PAPERS_SQL: Final = f"SELECT arxiv_id FROM follow_sent WHERE {_MEMBER} AND arxiv_id = ANY(%s)"
# The claim on a member's day: a row returned means this transaction planned it; none means
# another did (perhaps just now, in another process, whose commit this one waited for).
FOLLOW_DAY_SQL: Final = (
    'INSERT INTO follow_days (platform, workspace, "user", digest_date, planned_at)'
    " VALUES (%s, %s, %s, %s, %s)"
    ' ON CONFLICT (platform, workspace, "user", digest_date) DO NOTHING RETURNING 1'
)
FOLLOW_SENT_SQL: Final = (
    'INSERT INTO follow_sent (platform, workspace, "user", arxiv_id, digest_date)'
    " VALUES (%s, %s, %s, %s, %s)"
    ' ON CONFLICT (platform, workspace, "user", arxiv_id) DO NOTHING'
)
