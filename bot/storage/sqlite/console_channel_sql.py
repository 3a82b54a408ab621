"""Schema version 5: one console channel, named :data:`~bot.core.delivery.poster.CONSOLE_CHANNEL`.

Until version 4, ``paperbot post`` printed to a console channel called ``console`` while the
shipped config subscribed one called ``terminal``: the same terminal, two outbox histories, so
a digest posted by one was shown again by the other, and ``status`` listed two channels. The
console is now one channel (the config's name for it is ignored), and this migration moves an
existing database's console rows under that one name. Where both names hold a row for the
same message, the row that got furthest is kept (sent, then sending, then pending, then
failed), so a digest either name already showed is not shown again after the upgrade.
"""

from __future__ import annotations

from typing import Final

from bot.core.delivery.poster import CONSOLE_CHANNEL

__all__ = ["CONSOLE_CHANNEL_V5"]

_C: Final = f"'{CONSOLE_CHANNEL}'"
assert CONSOLE_CHANNEL.isidentifier()  # safe to write into the SQL text

CONSOLE_CHANNEL_V5: Final = f"""
-- Outbox: per message, keep the row that got furthest.
DELETE FROM outbox WHERE platform = 'console' AND id NOT IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY digest_date, paper
            ORDER BY CASE state WHEN 'sent' THEN 0 WHEN 'sending' THEN 1
                                WHEN 'pending' THEN 2 ELSE 3 END, id
        ) AS rank
        FROM outbox WHERE platform = 'console'
    ) WHERE rank = 1
);
UPDATE outbox SET channel = {_C} WHERE platform = 'console' AND channel <> {_C};

-- The scheduler's record of each day: keep the slot that got furthest.
DELETE FROM schedule_runs WHERE platform = 'console' AND rowid NOT IN (
    SELECT rid FROM (
        SELECT rowid AS rid, row_number() OVER (
            PARTITION BY local_date
            ORDER BY CASE state WHEN 'planned' THEN 0 WHEN 'planning' THEN 1
                                WHEN 'skipped' THEN 2 ELSE 3 END, updated_at DESC
        ) AS rank
        FROM schedule_runs WHERE platform = 'console'
    ) WHERE rank = 1
);
UPDATE schedule_runs SET channel = {_C} WHERE platform = 'console' AND channel <> {_C};

-- One subscription (the oldest, so the slots it was owed stay owed) and one pause.
DELETE FROM subscriptions WHERE platform = 'console' AND rowid NOT IN (
    SELECT rowid FROM subscriptions WHERE platform = 'console'
    ORDER BY created_at, rowid LIMIT 1
);
UPDATE subscriptions SET channel = {_C} WHERE platform = 'console' AND channel <> {_C};
DELETE FROM paused_channels WHERE platform = 'console' AND rowid NOT IN (
    SELECT rowid FROM paused_channels WHERE platform = 'console'
    ORDER BY paused_at, rowid LIMIT 1
);
UPDATE paused_channels SET channel = {_C} WHERE platform = 'console' AND channel <> {_C};
"""
