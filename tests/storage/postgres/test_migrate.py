"""Copying a SQLite archive into PostgreSQL: every row, read back alike, safe to rerun.

The source is a real SQLite store filled through its repositories; the target is read back
through PostgreSQL's repositories and compared with SQLite's answers to the same questions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.core.archive.ingest import ingest_file
from bot.core.cards.paper_meta import PaperMeta
from bot.core.clock import SystemClock
from bot.core.daily.schedule_runs import RunState, ScheduleRun
from bot.core.daily.subscriptions import Subscription
from bot.core.delivery.lease import Lease, delivery_lease
from bot.core.delivery.poster import Posted
from bot.core.delivery.repositories import FilteredDay, PlannedRow
from bot.core.errors import StorageError
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import Follow, Press
from bot.storage.migrate import SourceInUse, TableReport, copy_tables, migrate_archive
from bot.storage.migrate_sql import DATA_TABLES
from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import Store

NOW = 1_767_225_600.0
DAY = dt.date(2026, 1, 5)
CHANNELS = (("slack", "C1"), ("discord", "42"), ("console", "terminal"))
HERE = ChannelRef("slack", "T1", "C1")


PRESSES = (("U1", "like"), ("U1", "save"), ("U2", "like"), ("U3", "save"))


async def fill(path: Path, digests: Sequence[Path] = ()) -> None:
    """Outbox rows (sent with message ids, failed, pending), a pause, subscriptions, runs;
    with ``digests``: those archived, some metadata, presses, a hidden paper, a follow."""
    async with Store.open(path) as store:
        for platform, channel in CHANNELS:
            rows = [
                PlannedRow(platform, channel, DAY.isoformat(), paper, n, "", n % 2 == 0)
                for n, paper in enumerate(["header", "2601.00001", "2601.00002", "2601.00003"])
            ]
            filtered = [FilteredDay(platform, channel, DAY.isoformat(), 2, (("survey", 2),))]
            await store.outbox.add(rows, now=NOW, filtered=filtered)
            head, sent, failed, _pending = await store.outbox.of_day(platform, channel, DAY)
            for row in (head, sent):
                assert await store.outbox.claim(row.id, now=NOW)
                await store.outbox.mark_sent(row.id, Posted(f"m-{row.id}", "t-1"), now=NOW)
            await store.outbox.mark_failed(failed.id, "missing permission")
            await store.subscriptions.put(
                Subscription(
                    platform, channel, "08:30", "Asia/Seoul", (), True, False, "chat", NOW, NOW + 1
                )
            )
            run = ScheduleRun(platform, channel, DAY, NOW, RunState.PLANNED, DAY, None, NOW)
            assert await store.schedule_runs.advance(run)
        await store.outbox.pause("slack", "C1", "the bot was removed", now=NOW)
        for digest in digests:
            assert (await ingest_file(store, digest)).result is not None
        if digests:
            await _voice(store)


async def _voice(store: Store) -> None:
    """Metadata, presses and a hidden paper on the newest digest's papers, and a follow."""
    day = await store.latest_date()
    assert day is not None
    summary = await store.digest(day)
    assert summary is not None
    papers = [paper.arxiv_id for paper in summary.papers[:3]]
    await store.metadata.save(
        [PaperMeta(p, title=f"Title {p}", authors=("A. Kim", "B. Lee"), upvotes=n, withdrawn=n == 2,
                   fetched_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)) for n, p in enumerate(papers)]
    )  # fmt: skip
    for n, (user, kind) in enumerate(PRESSES):
        press = Press(HERE, user, papers[n % 2], kind, f"m{n % 2}", day)  # type: ignore[arg-type]
        assert (await store.reactions.press(press, now=NOW + n, window=3.0)).on
    assert await store.reactions.hide(HERE, papers[1], now=NOW)
    member = Member("slack", "T1", "U1")
    await store.follows.put(Follow(member, ("강화 학습",), ("A. Kim",), NOW))
    dm = PlannedRow("slack", "D1", day.isoformat(), "follow", 1, "", False)
    await store.follows.plan([dm], [(member, day, papers[:2])], now=NOW)


async def read_back(store: Store | PostgresStore) -> dict[str, object]:
    """What the repositories answer, the same questions on either backend."""
    answers: dict[str, object] = {"subscriptions": await store.subscriptions.all()}
    for platform, channel in CHANNELS:
        where = f"{platform}:{channel}"
        rows = await store.outbox.of_day(platform, channel, DAY)
        answers[f"outbox {where}"] = [dataclasses.replace(row, id=0) for row in rows]
        answers[f"pause {where}"] = await store.outbox.pause_reason(platform, channel)
        answers[f"filtered {where}"] = await store.outbox.filtered(platform, channel, DAY)
        answers[f"run {where}"] = await store.schedule_runs.get(platform, channel, DAY)
        answers[f"sent {where}"] = await store.outbox.sent_message(
            platform, channel, DAY.isoformat(), "2601.00001"
        )
    dates = await store.dates()
    answers["dates"] = dates
    ids: list[str] = []
    for day in dates:
        summary = await store.digest(day)
        answers[f"digest {day}"] = summary
        ids += [paper.arxiv_id for paper in summary.papers] if summary else []
    answers["papers"] = [await store.paper(arxiv_id) for arxiv_id in ids]
    answers["metadata"] = await store.metadata.of_papers(ids)
    answers["counts"] = await store.reactions.counts("slack", HERE.channel, ids)
    answers["reading list"] = await store.reactions.reading_list(HERE, offset=0, limit=50)
    member = Member("slack", "T1", "U1")
    answers["saved"] = await store.reactions.saved(member, offset=0, limit=9)
    answers["follows"] = await store.follows.all("slack")
    answers["edits"] = await store.reactions.due_edits(NOW + 60, limit=10)
    answers["sent papers"] = await store.follows.sent_papers(member, ids)
    return answers


def by_table(reports: list[TableReport]) -> dict[str, tuple[int, int, int, bool]]:
    return {r.table: (r.source_rows, r.copied, r.already_present, r.verified) for r in reports}


async def test_a_copy_reads_back_alike_and_a_rerun_copies_nothing(
    tmp_path: Path, postgres_url: str, real_digests: list[Path]
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source, real_digests)
    first = by_table(await migrate_archive(str(source), postgres_url))
    assert list(first) == list(DATA_TABLES)
    assert all(verified and copied == rows for rows, copied, _, verified in first.values())
    assert first["digests"][0] == len(real_digests)
    assert first["outbox"] == (13, 13, 0, True)  # and the follow DM
    assert first["paused_channels"] == (1, 1, 0, True)
    assert first["subscriptions"] == (3, 3, 0, True)
    async with Store.open(source) as sqlite, PostgresStore.open(postgres_url) as postgres:
        assert await read_back(postgres) == await read_back(sqlite)
        found = {hit.arxiv_id for hit in await postgres.search("강화 학습", limit=1000)}
        assert found == {hit.arxiv_id for hit in await sqlite.search("강화 학습", limit=1000)}
        assert found  # the real digests speak of it: the copy is searchable at once
    again = by_table(await migrate_archive(str(source), postgres_url))
    assert again["outbox"] == (13, 0, 13, True)
    assert all(copied == 0 and verified for _, copied, _, verified in again.values())


async def test_a_rerun_restores_exactly_the_rows_deleted_from_the_target(
    tmp_path: Path, postgres_url: str, real_digests: list[Path]
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source, real_digests[-1:])
    await migrate_archive(str(source), postgres_url)
    async with PostgresStore.open(postgres_url) as postgres:
        async with postgres.transaction() as conn:
            await conn.execute("DELETE FROM outbox WHERE platform = 'discord' AND position > 1")
            await conn.execute("DELETE FROM subscriptions WHERE platform = 'slack'")
            await conn.execute("DELETE FROM entries WHERE position IN (2, 3)")  # and their rows
            await conn.execute("DELETE FROM reactions WHERE \"user\" = 'U3'")
            await conn.execute("DELETE FROM follow_sent")
            ((sections,),) = await (await conn.execute("SELECT count(*) FROM sections")).fetchall()
        # A row planned meanwhile takes the next id; the copy must not clash with it.
        await postgres.outbox.add(
            [PlannedRow("slack", "C9", "2026-01-06", "x", 1, "", False)], now=NOW
        )
    again = by_table(await migrate_archive(str(source), postgres_url))
    assert again["outbox"] == (13, 2, 11, True)
    assert again["subscriptions"] == (3, 1, 2, True)
    assert again["schedule_runs"] == (3, 0, 3, True)
    assert again["entries"][1:] == (2, again["entries"][0] - 2, True)
    assert again["entry_texts"][1:] == (2, again["entry_texts"][0] - 2, True)
    assert again["sections"][1:] == (again["sections"][0] - sections, sections, True)
    assert again["reactions"] == (4, 1, 3, True)
    assert again["follow_sent"] == (2, 2, 0, True)
    assert again["digests"][1] == again["paper_meta"][1] == again["follows"][1] == 0
    async with Store.open(source) as sqlite, PostgresStore.open(postgres_url) as postgres:
        assert await read_back(postgres) == await read_back(sqlite)
        ((ids, distinct),) = await postgres.query(
            "SELECT count(id), count(DISTINCT id) FROM outbox"
        )
        assert ids == distinct == 14


async def test_rows_the_target_holds_are_kept_not_overwritten(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source)
    async with PostgresStore.open(postgres_url) as postgres:
        await postgres.subscriptions.put(
            Subscription("slack", "C1", "21:00", "UTC", (), False, True, "config", NOW, NOW)
        )
        # A message planned on PostgreSQL first holds id 1, which a source row has too.
        mine = PlannedRow("slack", "C9", "2026-01-06", "x", 1, "", False)
        await postgres.outbox.add([mine], now=NOW)
    reports = by_table(await migrate_archive(str(source), postgres_url))
    assert reports["subscriptions"] == (3, 2, 1, True)
    assert reports["outbox"] == (12, 12, 0, True)
    async with Store.open(source) as sqlite, PostgresStore.open(postgres_url) as postgres:
        kept = await postgres.subscriptions.get("slack", "C1")
        assert kept is not None and (kept.time, kept.timezone) == ("21:00", "UTC")
        assert [
            r.paper for r in await postgres.outbox.of_day("slack", "C9", dt.date(2026, 1, 6))
        ] == ["x"]
        wanted = await read_back(sqlite)
        got = await read_back(postgres)
        ((ids, distinct),) = await postgres.query(
            "SELECT count(id), count(DISTINCT id) FROM outbox"
        )
    assert ids == distinct == 13
    wanted["subscriptions"] = got["subscriptions"]  # the target's own slack:C1 was kept
    assert got == wanted


async def test_rows_read_in_small_batches_arrive_whole(
    tmp_path: Path, postgres_url: str, real_digests: list[Path]
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source, real_digests[-2:])
    async with Store.open(source) as sqlite, PostgresStore.open(postgres_url) as postgres:
        reports = by_table(await copy_tables(sqlite, postgres, batch_rows=7))
        assert reports["sections"][0] > 7 * 20
        assert all(copied == rows and ok for rows, copied, _, ok in reports.values())
        assert await read_back(postgres) == await read_back(sqlite)


async def test_a_column_the_target_lacks_is_an_error_and_nothing_is_written(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source)
    newer = (*MIGRATIONS, "ALTER TABLE schedule_runs ADD COLUMN note TEXT")
    async with (
        Store.open(source, migrations=newer) as sqlite,
        PostgresStore.open(postgres_url) as postgres,
    ):
        with pytest.raises(StorageError, match=r"schedule_runs lacks .* column.* note"):
            await copy_tables(sqlite, postgres)
        assert await postgres.query("SELECT count(*) FROM outbox") == [(0,)]
        assert await postgres.query("SELECT count(*) FROM subscriptions") == [(0,)]


async def test_a_failure_late_in_the_copy_leaves_the_target_as_it_was(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source)
    async with PostgresStore.open(postgres_url) as postgres:
        async with postgres.transaction() as conn:  # schedule_runs comes after the outbox
            await conn.execute("ALTER TABLE schedule_runs ADD CHECK (state = 'waiting')")
        with pytest.raises(StorageError, match="schedule_runs"):
            await migrate_archive(str(source), postgres_url)
        for table in ("outbox", "paused_channels", "filtered_days", "subscriptions"):
            assert await postgres.query(f"SELECT count(*) FROM {table}") == [(0,)], table


async def test_a_table_migrate_does_not_know_is_an_error(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "paperbot.db"
    newer = (*MIGRATIONS, "CREATE TABLE notes (body TEXT)")
    async with (
        Store.open(source, migrations=newer) as sqlite,
        PostgresStore.open(postgres_url) as postgres,
    ):
        with pytest.raises(StorageError, match=r"cannot copy \(notes\)"):
            await copy_tables(sqlite, postgres)


async def test_a_live_delivery_lease_refuses_the_copy_unless_forced(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "paperbot.db"
    await fill(source)
    async with Store.open(source) as store:
        lease = Lease(store, SystemClock(), delivery_lease("slack"), role="serve")
        assert await lease.acquire()
        with pytest.raises(SourceInUse, match=r"paperbot serve \(pid \d+\) delivers to slack"):
            await migrate_archive(str(source), postgres_url)
        async with PostgresStore.open(postgres_url) as postgres:
            assert await postgres.query("SELECT count(*) FROM outbox") == [(0,)]
        forced = by_table(await migrate_archive(str(source), postgres_url, force=True))
        assert forced["outbox"] == (12, 12, 0, True)
        assert "leases" not in forced
