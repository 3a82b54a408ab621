"""The search index off the write path: complete search while it lags, recovery, migration."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.core.archive.records import IngestStatus, SearchHit
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import StorageError, Store
from digest_parser import Digest, SectionKey
from tests.storage.old_archive import write_old_archive
from tests.storage.test_store import (
    LAGGING,
    hash_of,
    index_is_exact,
    ingest,
    make_digest,
    make_paper,
)

K = SectionKey
QUERIES = ["강화 학습", "reinforcement", "adaptive reinforcement", "CoT 호출", "3.18%", "없는말"]


def older() -> list[Digest]:
    return [
        make_digest(
            "2025-05-26",
            make_paper(
                "2505.00001",
                "AdaCoT: Adaptive Chain-of-Thought via Reinforcement Learning",
                {K.MOTIVATION: "강화 학습을 통해 CoT 호출을 줄입니다.", K.RESULTS: "3.18%까지"},
            ),
            make_paper("2505.00003", "Unrelated", {K.MOTIVATION: "데이터셋 구축"}),
        )
    ]


def newer() -> list[Digest]:
    return [
        make_digest(
            "2025-05-27",
            make_paper("2505.00002", "VisionReasoner: 강화 학습을 통한 통합 시각 인식"),
            make_paper(
                "2505.00001",
                "AdaCoT again",
                {K.ARCHITECTURE: "Reinforcement 보상과 CoT 호출 예산", K.RESULTS: "강화 학습"},
            ),
        )
    ]


def found(hits: list[SearchHit]) -> set[tuple[str, dt.date, str]]:
    """Hits without their order (the two readings rank differently)."""
    return {(h.arxiv_id, h.date, str(h.field)) for h in hits}


async def test_search_is_complete_while_the_index_lags(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "lag.db", background_index=False) as store:
        for digest in older() + newer():
            await store.ingest(digest, content_hash=hash_of(digest))
        assert await store.unindexed() == (2, 4)
        lagging = {q: await store.search(q, limit=50) for q in QUERIES}
        titles = {q: await store.titles_containing(q, limit=10) for q in QUERIES}
        assert found(lagging["강화 학습"]) == {
            ("2505.00001", dt.date(2025, 5, 26), K.MOTIVATION),
            ("2505.00002", dt.date(2025, 5, 27), "title"),
            ("2505.00001", dt.date(2025, 5, 27), K.RESULTS),
        }
        assert lagging["adaptive reinforcement"]
        for hit in lagging["adaptive reinforcement"]:  # both terms marked, as FTS5 does
            assert {t.lower() for t, m in hit.snippet.parts if m} == {"adaptive", "reinforcement"}
        assert await store.indexed() == 4
        assert await store.unindexed() == (0, 0)
        for query in QUERIES:
            hits = await store.search(query, limit=50)
            assert found(hits) == found(lagging[query]), query
            assert set(await store.titles_containing(query, limit=10)) == set(titles[query])
        await index_is_exact(store)


async def test_unindexed_hits_come_first_and_pages_continue_into_the_index(
    tmp_path: Path,
) -> None:
    async with Store.open(tmp_path / "mixed.db", background_index=False) as store:
        for digest in older():
            await ingest(store, digest)  # indexed
        LAGGING.add(store)
        for digest in newer():
            await ingest(store, digest)  # waits for the index
        assert await store.unindexed() == (1, 2)
        everything = await store.search("강화 학습", limit=50)
        assert [(h.date, h.field) for h in everything] == [
            (dt.date(2025, 5, 27), "title"),
            (dt.date(2025, 5, 27), K.RESULTS),
            (dt.date(2025, 5, 26), K.MOTIVATION),
        ]
        pages = [await store.search("강화 학습", limit=1, offset=n) for n in range(4)]
        assert [hit for page in pages for hit in page] == everything
        pair = await store.search("강화 학습", limit=2, offset=1)
        assert pair == everything[1:]
        titles = await store.titles_containing("adacot", limit=5)
        assert [(s.value, s.label) for s in titles] == [("2505.00001", "AdaCoT again")]


async def test_an_unfinished_index_is_recovered_after_reopen(tmp_path: Path) -> None:
    path = tmp_path / "crashed.db"
    async with Store.open(path, background_index=False) as store:
        for digest in older() + newer():
            await store.ingest(digest, content_hash=hash_of(digest))
    with sqlite3.connect(path) as conn:  # what a process killed before indexing leaves
        assert conn.execute("SELECT count(*) FROM unindexed_digests").fetchone() == (2,)
    async with Store.open(path) as store:  # the background indexer catches up at open
        await asyncio.wait_for(store.indexer_idle(), timeout=60)
        assert await store.unindexed() == (0, 0)
        matched = await store.query(
            "SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", '"강화 학습"'
        )
        assert matched == [(2,)]
        await index_is_exact(store)


async def test_the_background_indexer_follows_new_ingests(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "live.db") as store:
        for digest in older() + newer():
            result = await store.ingest(digest, content_hash=hash_of(digest))
            assert result.status is IngestStatus.NEW
        await asyncio.wait_for(store.indexer_idle(), timeout=60)
        assert await store.unindexed() == (0, 0)
        await index_is_exact(store)


async def test_a_failed_index_batch_leaves_its_digests_waiting(tmp_path: Path) -> None:
    path = tmp_path / "refuse.db"
    async with Store.open(path, background_index=False) as store:
        for digest in older():
            await store.ingest(digest, content_hash=hash_of(digest))
        with sqlite3.connect(path) as conn:  # SQLite itself refuses the batch's last step
            conn.execute(
                "CREATE TRIGGER refuse BEFORE DELETE ON unindexed_digests "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
        with pytest.raises(StorageError, match="refused by test trigger"):
            await store.indexed()
        assert await store.unindexed() == (1, 2)
        nothing = await store.query(
            "SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", '"강화 학습"'
        )
        assert nothing == [(0,)]  # the index rolled back with the batch
        assert {h.arxiv_id for h in await store.search("강화 학습")} == {"2505.00001"}
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TRIGGER refuse")
        assert await store.indexed() == 2
        await index_is_exact(store)


async def test_a_version_3_archive_migrates_indexed_and_replaces_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    write_old_archive(path, 3, *older())
    async with Store.open(path, background_index=False) as store:
        assert await store.query("PRAGMA user_version") == [(len(MIGRATIONS),)]
        assert await store.unindexed() == (0, 0)  # version 3 indexed as it ingested
        hits = await store.search("강화 학습")
        assert [(h.arxiv_id, h.field) for h in hits] == [("2505.00001", K.MOTIVATION)]
        replaced = make_digest("2025-05-26", make_paper("2505.00009", "교체", {K.RESULTS: "새"}))
        result = await store.ingest(replaced, content_hash=hash_of(replaced))
        assert result.status is IngestStatus.REPLACED
        assert await store.search("강화 학습") == []
        await index_is_exact(store)  # the old rows left the index with their digest
        assert [h.arxiv_id for h in await store.search("교체")] == ["2505.00009"]


async def test_a_normal_close_completes_the_index_and_a_failure_leaves_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "close.db"

    def waiting() -> int:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM unindexed_digests").fetchone()[0])

    async with Store.open(path) as store:
        for digest in older():
            await store.ingest(digest, content_hash=hash_of(digest))
    assert waiting() == 0  # `paperbot ingest` returns with search fully indexed
    with pytest.raises(RuntimeError, match="boom"):
        async with Store.open(path) as store:
            for digest in newer():
                await store.ingest(digest, content_hash=hash_of(digest))
            raise RuntimeError("boom")
    assert waiting() == 1  # left for the next open, which catches up
