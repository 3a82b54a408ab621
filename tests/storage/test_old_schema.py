"""A database written by the code before #13 opens with today's store and loses nothing.

Since #14 it also migrates (version 5 to 6: the ``paper_meta`` table) on the way.

``fixtures/schema_v5.sqlite`` was written by the pre-#13 code (git tag ``pre-13``): one digest of
three papers archived but not yet in the search index, an outbox for one Slack channel with rows
in every state (sent, failed, sending, pending) and the channel paused, console rows, two
subscriptions, a skipped schedule run and a held ``delivery:slack`` lease. The file is copied,
dumped with the standard library, opened with the store, and dumped again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from bot.core.daily.schedule_runs import RunState, ScheduleRuns
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.lease import Lease, delivery_lease
from bot.core.delivery.outbox import ChannelStatus, Outbox
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey
from tests.fakes.clock import FakeClock

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v5.sqlite"
DAY = dt.date(2026, 1, 5)
SLACK, DISCORD = "C0123456789", "1234567890123456789"
WRITTEN_AT = 1_796_487_883.0  # when the fixture was written: its lease is still held then

Dump = dict[str, list[tuple[Any, ...]]]


def dump(path: Path) -> tuple[int, list[tuple[Any, ...]], Dump]:
    """``user_version``, the schema, and every table's rows in a stable order.

    The full-text index's own tables (``*_fts_*``) and SQLite's statistics are left out: the
    indexer and ``PRAGMA optimize`` rewrite them, and search below shows the index works.
    """
    with contextlib.closing(sqlite3.connect(path)) as conn:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'"
            )
        ]
        rows = {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    return int(version), schema, rows


async def test_a_pre_13_database_opens_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "paperbot.db"
    shutil.copyfile(FIXTURE, path)
    version, schema, before = dump(path)
    assert version == 5
    assert len(before["digests"]) == 1
    assert len(before["entries"]) == 3
    assert len(before["outbox"]) == 8
    assert before["unindexed_digests"] == [(DAY.isoformat(),)]
    clock = FakeClock(WRITTEN_AT)

    async with Store.open(path, background_index=False) as store:
        for when in ("before", "after"):  # read with LIKE while it lags, then from the index
            hits = [(h.arxiv_id, h.date, h.field) for h in await store.search("자기 검증")]
            assert ("2601.01234", DAY, "title") in hits, when
            titles = await store.titles_containing("경량 OCR", limit=5)
            assert [s.value for s in titles] == ["2601.02345"], when
            if when == "before":
                assert await store.unindexed() == (1, 3)
                assert await store.indexed() == 3
        assert await store.unindexed() == (0, 0)

        outbox = Outbox(store, clock)
        assert await outbox.status() == [
            ChannelStatus("console", "console", None, 4, 0, (), None),
            ChannelStatus(
                "slack",
                SLACK,
                DAY.isoformat(),
                1,
                1,
                ((DAY.isoformat(), "2601.01234", "invalid_blocks"),),
                "not_in_channel",
            ),
        ]

        subscriptions = Subscriptions(store, clock)
        discord = await subscriptions.get("discord", DISCORD)
        assert discord is not None
        assert (discord.time, discord.timezone) == ("09:30", "Europe/Berlin")
        assert discord.sections == (SectionKey.RESULTS, SectionKey.LIMITATIONS)
        assert (discord.in_thread, discord.paused, discord.source) == (True, False, "config")
        slack = await subscriptions.get("slack", SLACK)
        assert slack is not None
        assert (slack.time, slack.timezone, slack.sections, slack.source) == (
            "07:00",
            "Asia/Seoul",
            (),
            "chat",
        )

        (run,) = await ScheduleRuns(store, clock).recent("discord", DISCORD)
        assert (run.local_date, run.state, run.digest_date) == (DAY, RunState.SKIPPED, None)
        assert run.reason == "no new digest"
        assert run.slot_at == dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC).timestamp()

        holder = await Lease(store, clock, [delivery_lease("slack")]).holder()
        assert holder is not None
        assert holder[0] == "vm:14427:fe245154:serve"
        assert holder[1] > WRITTEN_AT

    version, schema_after, after = dump(path)
    # #14 adds paper_meta; #15 adds filtered_days, and columns with defaults to two tables;
    # #16 the group's voice (reactions, count edits, reading lists, follows) and a rank column
    assert version == 8
    widened = {"outbox", "subscriptions"}
    assert [row for row in schema if row not in schema_after and row[1] not in widened] == []
    added = [row for row in schema_after if row not in schema and row[1] not in widened]
    assert sorted((kind, name) for kind, name, *_ in added) == [
        ("index", "count_edits_due"),
        ("index", "reactions_by_member"),
        ("index", "reactions_by_paper"),
        ("table", "count_edits"),
        ("table", "filtered_days"),
        ("table", "follow_days"),
        ("table", "follow_sent"),
        ("table", "follows"),
        ("table", "paper_meta"),
        ("table", "reactions"),
        ("table", "reading_list_hidden"),
    ]
    for table in ("paper_meta", "filtered_days", "reactions", "count_edits", "follows",
                  "follow_days", "follow_sent", "reading_list_hidden"):  # fmt: skip
        assert after.pop(table) == [], table
    assert after.pop("unindexed_digests") == []  # the indexer's list, now done
    before.pop("unindexed_digests")
    # the old columns keep every value; the new ones hold their defaults
    assert [row[-5:] for row in after["subscriptions"]] == [("{}", "cards", 0, 0, "upvotes")] * 2
    assert {row[-1] for row in after["outbox"]} == {""}
    for table in widened:
        width = len(before[table][0])
        after[table] = [row[:width] for row in after[table]]
    assert after == before
