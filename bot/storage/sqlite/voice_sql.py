"""Schema version 8: the group's voice (reactions, count edits, reading lists, follows).

Kept apart like the other schemas; :data:`bot.storage.sqlite.schema.MIGRATIONS` lists it
after the rest. User ids are stored because a second press undoes the first; no statement's
error message carries them (parameters are never part of SQLite's messages).
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
    "MEMBER_PAPER_CHANNELS_SQL",
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
    "VOICE_V8",
]

VOICE_V8: Final = """
-- How a weekly listing ranks its papers: Hugging Face upvotes, or this channel's 👍.
ALTER TABLE subscriptions ADD COLUMN rank TEXT NOT NULL DEFAULT 'upvotes';

-- One person's 👍 (like) or 🔖 (save) of a paper in a channel: a row while it is on.
CREATE TABLE reactions (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,                  -- Slack team id, Discord guild id
    channel     TEXT NOT NULL,
    user        TEXT NOT NULL,
    arxiv_id    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('like', 'save')),
    digest_date TEXT,                           -- the card's digest, when known
    at          REAL NOT NULL,
    PRIMARY KEY (platform, workspace, channel, user, arxiv_id, kind)
) STRICT;
CREATE INDEX reactions_by_paper ON reactions (platform, channel, arxiv_id);
CREATE INDEX reactions_by_member ON reactions (platform, workspace, user, kind, at);

-- A posted card whose buttons must show new counts. Durable, so a restart between a press
-- and its edit still makes the edit; one row per message, so presses coalesce.
CREATE TABLE count_edits (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    message     TEXT NOT NULL,
    arxiv_id    TEXT NOT NULL,
    digest_date TEXT,
    dirty       INTEGER NOT NULL,               -- 1: counts changed since the last edit
    due_at      REAL NOT NULL,
    edited_at   REAL,                           -- the last edit, for the per-message window
    version     INTEGER NOT NULL DEFAULT 0,     -- presses so far: an edit for an older one
    PRIMARY KEY (platform, channel, message)    --   leaves the row dirty
) STRICT;
CREATE INDEX count_edits_due ON count_edits (dirty, due_at);

-- Papers an admin took off a channel's reading list (the members' reactions stay theirs).
CREATE TABLE reading_list_hidden (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    arxiv_id    TEXT NOT NULL,
    hidden_at   REAL NOT NULL,
    PRIMARY KEY (platform, channel, arxiv_id)
) STRICT;

-- A member's follow: terms and authors as JSON lists, matched like a channel's include.
CREATE TABLE follows (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    user        TEXT NOT NULL,
    terms       TEXT NOT NULL DEFAULT '[]',
    authors     TEXT NOT NULL DEFAULT '[]',
    created_at  REAL NOT NULL,
    told_pause  TEXT,                           -- the DM failure the member was told about
    PRIMARY KEY (platform, workspace, user)
) STRICT;

-- The digests whose follow DM is planned for a member (planned in the outbox's transaction),
-- and the papers a DM listed: each paper once per person, whatever day it comes back.
CREATE TABLE follow_days (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    user        TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    planned_at  REAL NOT NULL,
    PRIMARY KEY (platform, workspace, user, digest_date)
) STRICT;
CREATE TABLE follow_sent (
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    user        TEXT NOT NULL,
    arxiv_id    TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    PRIMARY KEY (platform, workspace, user, arxiv_id)
) STRICT;
"""

_MEMBER = "platform = ? AND workspace = ? AND user = ?"
_REACTION = _MEMBER + " AND channel = ? AND arxiv_id = ? AND kind = ?"

REACTION_DELETE_SQL: Final = f"DELETE FROM reactions WHERE {_REACTION}"
# A press on a paper the archive does not hold (a forged or stale button) inserts nothing.
REACTION_INSERT_SQL: Final = (
    "INSERT INTO reactions (platform, workspace, user, channel, arxiv_id, kind, digest_date, at)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"
    " WHERE EXISTS (SELECT 1 FROM entries WHERE arxiv_id = ?5)"
)
COUNTS_SQL: Final = (
    "SELECT arxiv_id, sum(kind = 'like'), sum(kind = 'save') FROM reactions"
    " WHERE platform = ? AND channel = ? AND arxiv_id IN (SELECT value FROM json_each(?))"
    " GROUP BY arxiv_id"
)
# An edit already waiting keeps its time; otherwise due now, or a window after the last edit.
EDIT_DUE_SQL: Final = """
INSERT INTO count_edits (platform, workspace, channel, message, arxiv_id, digest_date,
                         dirty, due_at, edited_at, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, NULL, 1)
ON CONFLICT (platform, channel, message) DO UPDATE SET
    version = version + 1,
    due_at = CASE WHEN dirty THEN due_at
                  ELSE max(?7, coalesce(edited_at, 0) + ?8) END,
    dirty = 1
"""
# Presses through /saved or /saved clear: every card of those channels showing the paper.
EDITS_OF_PAPER_SQL: Final = """
UPDATE count_edits SET
    version = version + 1,
    due_at = CASE WHEN dirty THEN due_at ELSE max(?4, coalesce(edited_at, 0) + ?5) END,
    dirty = 1
WHERE platform = ?1 AND channel = ?2 AND arxiv_id = ?3
"""
DUE_EDITS_SQL: Final = (
    "SELECT platform, workspace, channel, message, arxiv_id, digest_date, version"
    " FROM count_edits WHERE dirty = 1 AND due_at <= ? ORDER BY due_at LIMIT ?"
)
NEXT_EDIT_SQL: Final = "SELECT min(due_at) FROM count_edits WHERE dirty = 1"
EDITED_SQL: Final = """
UPDATE count_edits SET
    edited_at = ?4,
    dirty = version != ?5,
    due_at = CASE WHEN version != ?5 THEN ?4 + ?6 ELSE due_at END
WHERE platform = ?1 AND channel = ?2 AND message = ?3
"""
POSTPONE_EDIT_SQL: Final = (
    "UPDATE count_edits SET due_at = ? WHERE platform = ? AND channel = ? AND message = ?"
)
DROP_EDIT_SQL: Final = "DELETE FROM count_edits WHERE platform = ? AND channel = ? AND message = ?"

_TITLE = (
    "(SELECT e.display_title FROM entries e WHERE e.arxiv_id = r.arxiv_id"
    " ORDER BY e.date DESC LIMIT 1)"
)
SAVED_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), max(r.at) AS newest FROM reactions r
WHERE r.platform = ? AND r.workspace = ? AND r.user = ? AND r.kind = 'save'
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id LIMIT ? OFFSET ?
"""
SAVED_COUNT_SQL: Final = (
    "SELECT count(DISTINCT arxiv_id) FROM reactions"
    " WHERE platform = ? AND workspace = ? AND user = ? AND kind = 'save'"
)
MEMBER_PAPER_CHANNELS_SQL: Final = (
    f"SELECT DISTINCT channel, arxiv_id FROM reactions WHERE {_MEMBER}"
    " AND (?4 IS NULL OR (arxiv_id = ?4 AND kind = 'save'))"
)
UNSAVE_SQL: Final = f"DELETE FROM reactions WHERE {_MEMBER} AND arxiv_id = ? AND kind = 'save'"
FORGET_REACTIONS_SQL: Final = f"DELETE FROM reactions WHERE {_MEMBER}"
FORGET_FOLLOW_SQLS: Final = tuple(
    f"DELETE FROM {table} WHERE {_MEMBER}" for table in ("follows", "follow_days", "follow_sent")
)
# The member's direct messages, sent or waiting, and their pause: their channel names them.
FORGET_DMS_SQLS: Final = tuple(
    f"DELETE FROM {table} WHERE platform = ? AND channel = ?"
    for table in ("outbox", "paused_channels")
)
READING_LIST_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), sum(r.kind = 'like'), sum(r.kind = 'save'),
       max(r.at) AS newest
FROM reactions r
WHERE r.platform = ?1 AND r.channel = ?2
  AND NOT EXISTS (SELECT 1 FROM reading_list_hidden h
                  WHERE h.platform = ?1 AND h.channel = ?2 AND h.arxiv_id = r.arxiv_id)
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id LIMIT ?3 OFFSET ?4
"""
READING_LIST_COUNT_SQL: Final = """
SELECT count(DISTINCT r.arxiv_id) FROM reactions r
WHERE r.platform = ?1 AND r.channel = ?2
  AND NOT EXISTS (SELECT 1 FROM reading_list_hidden h
                  WHERE h.platform = ?1 AND h.channel = ?2 AND h.arxiv_id = r.arxiv_id)
"""
HIDE_SQL: Final = (
    "INSERT INTO reading_list_hidden VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, channel, arxiv_id) DO NOTHING"
)
EXPORTED_SQL: Final = f"""
SELECT r.arxiv_id, {_TITLE}, max(r.digest_date), max(r.at) AS newest FROM reactions r
WHERE r.platform = ?1 AND r.channel = ?2 AND (?3 IS NULL OR r.user = ?3)
  AND (?4 IS NULL OR r.kind = ?4)
  AND (?3 IS NOT NULL OR NOT EXISTS (SELECT 1 FROM reading_list_hidden h
       WHERE h.platform = ?1 AND h.channel = ?2 AND h.arxiv_id = r.arxiv_id))
GROUP BY r.arxiv_id ORDER BY newest DESC, r.arxiv_id
"""

FOLLOW_SQL: Final = (
    f"SELECT platform, workspace, user, terms, authors, created_at, told_pause FROM follows"
    f" WHERE {_MEMBER}"
)
FOLLOWS_SQL: Final = (
    "SELECT platform, workspace, user, terms, authors, created_at, told_pause FROM follows"
    " WHERE platform = ? ORDER BY workspace, user"
)
PUT_FOLLOW_SQL: Final = """
INSERT INTO follows VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, workspace, user) DO UPDATE SET
    terms = excluded.terms, authors = excluded.authors, told_pause = excluded.told_pause
"""
REMOVE_FOLLOW_SQL: Final = f"DELETE FROM follows WHERE {_MEMBER}"
TOLD_SQL: Final = (
    "UPDATE follows SET told_pause = ?4 WHERE platform = ?1 AND workspace = ?2 AND user = ?3"
)
PLANNED_DAYS_SQL: Final = (
    "SELECT workspace, user FROM follow_days WHERE platform = ? AND digest_date = ?"
)
SENT_PAPERS_SQL: Final = (
    f"SELECT arxiv_id FROM follow_sent WHERE {_MEMBER}"
    " AND arxiv_id IN (SELECT value FROM json_each(?4))"
)
FOLLOW_DAY_SQL: Final = (
    "INSERT INTO follow_days VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, workspace, user, digest_date) DO NOTHING"
)
FOLLOW_SENT_SQL: Final = (
    "INSERT INTO follow_sent VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, workspace, user, arxiv_id) DO NOTHING"
)
