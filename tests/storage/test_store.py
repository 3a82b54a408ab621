"""The archive: schema and migrations, idempotent and atomic ingest, reads, search, concurrency.

The tests on the ``store`` fixture run on both backends (SQLite indexed and lagging, and
PostgreSQL); opening, files, WAL and the indexer are SQLite's own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import sqlite3
import weakref
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.errors import SchemaError
from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import StorageError, Store
from digest_parser import Digest, Paper, ParseWarning, Section, SectionKey, parse_digest_file
from tests.storage.old_archive import write_old_archive

K = SectionKey


def make_paper(
    arxiv_id: str, title: str | None = None, bodies: dict[SectionKey, str] | None = None
) -> Paper:
    """A parsed paper with the given section bodies (default: all seven, generic text)."""
    bodies = (
        {k: f"{arxiv_id} {k.english} 본문입니다." for k in K.ordered()}
        if bodies is None
        else bodies
    )
    sections = tuple(
        Section(key=k, number=k.number, heading=k.korean, body=body, line=3 + 2 * i)
        for i, (k, body) in enumerate(bodies.items())
    )
    missing = tuple(k for k in K.ordered() if k not in bodies)
    raw = f"## {arxiv_id}\n" + "\n".join(s.body for s in sections)
    return Paper(
        arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{arxiv_id}",
        title=title if title is not None else f"Paper {arxiv_id}",
        line=1,
        sections=sections,
        missing=missing,
        raw=raw,
    )


def make_digest(day: str, *papers: Paper, warnings: tuple[ParseWarning, ...] = ()) -> Digest:
    return Digest(
        date=dt.date.fromisoformat(day),
        source=f"hf-daily-papers-{day}.md",
        papers=papers,
        warnings=warnings,
    )


def hash_of(digest: Digest) -> str:
    return hashlib.sha256(
        digest.model_dump_json().encode() + "".join(p.raw for p in digest.papers).encode()
    ).hexdigest()


#: Stores whose search index is held back: their searches read the unindexed digests.
LAGGING: weakref.WeakSet[Store] = weakref.WeakSet()


async def ingest(store: Store, digest: Digest) -> IngestResult:
    """Ingest, then index unless the store is held back: either way the same every run."""
    result = await store.ingest(digest, content_hash=hash_of(digest))
    if store not in LAGGING:
        await store.indexed()
    return result


async def index_is_exact(store: Store) -> None:
    """Index what waits, then check that both indexes hold exactly their tables' rows.

    FTS5 compares ``sections_fts`` with ``sections`` term by term (``integrity-check`` with
    rank 1). That check counts every ``entries`` row, and titles that are NULL are not
    indexed, so for ``titles_fts`` the indexed row ids are compared instead.
    """
    await store.indexed()
    async with store.transaction() as conn:
        await conn.execute(
            "INSERT INTO sections_fts (sections_fts, rank) VALUES ('integrity-check', 1)"
        )
        await conn.execute("INSERT INTO titles_fts (titles_fts) VALUES ('integrity-check')")
    indexed = await store.query("SELECT id FROM titles_fts_docsize ORDER BY id")
    assert indexed == await store.query(
        "SELECT id FROM entries WHERE display_title IS NOT NULL ORDER BY id"
    )


@pytest.fixture(params=["indexed", "lagging", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """An archive whose searches read the index, or (``lagging``) the digests it still lacks;
    or a PostgreSQL one (issue #17), whose trigram indexes never lag."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("migrated_postgres_url")
        async with PostgresStore.open(url) as postgres:
            yield postgres  # type: ignore[misc]  # the same Protocols, another class
        return
    async with Store.open(tmp_path / "archive.db", background_index=False) as opened:
        if request.param == "lagging":
            LAGGING.add(opened)
        yield opened
        await index_is_exact(opened)


async def poison_sections(store: Store, tmp_path: Path) -> None:
    """Make the database itself refuse a section row whose body holds ``POISON``."""
    if isinstance(store, PostgresStore):
        async with store.transaction() as pg:
            await pg.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                " IF new.body LIKE '%POISON%' THEN RAISE 'refused by test trigger'; END IF;"
                " RETURN new; END $$"
            )
            await pg.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON sections"
                " FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        return
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON sections WHEN new.body LIKE '%POISON%' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        )


# --- opening and schema -----------------------------------------------------------------------


async def test_open_creates_a_wal_database_at_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    async with Store.open(path) as store:
        assert await store.dates() == ()
        assert await store.latest_date() is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_memory_database_works_with_one_connection() -> None:
    async with Store.open(":memory:") as store:
        await ingest(store, make_digest("2025-05-27", make_paper("2505.00001")))
        entry = await store.paper("2505.00001")
        assert entry is not None and entry.total == 1
        assert [h.arxiv_id for h in await store.search("Motivation")] == ["2505.00001"]


async def test_an_older_file_is_migrated_forward_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with Store.open(path) as store:
        await ingest(store, make_digest("2025-05-27", make_paper("2505.00001")))
    later = "CREATE TABLE later_feature (id INTEGER PRIMARY KEY, arxiv_id TEXT NOT NULL) STRICT;"
    async with Store.open(path, migrations=(*MIGRATIONS, later)) as store:
        assert await store.paper("2505.00001") is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        assert conn.execute("SELECT count(*) FROM later_feature").fetchone()[0] == 0


async def test_a_version_1_archive_gains_the_outbox(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    write_old_archive(path, 1, make_digest("2025-05-27", make_paper("2505.00001")))
    async with Store.open(path) as store:
        assert await store.paper("2505.00001") is not None
        assert await store.query("SELECT count(*) FROM outbox") == [(0,)]


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with Store.open(path) as store:
        await ingest(store, make_digest("2025-05-27", make_paper("2505.00001")))
    broken = "CREATE TABLE half (x INTEGER); CREATE TABLE entries (x INTEGER);"  # exists already
    with pytest.raises(SchemaError, match=f"version {len(MIGRATIONS) + 1}"):
        async with Store.open(path, migrations=(*MIGRATIONS, broken)):
            pass
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half" not in tables
    async with Store.open(path) as store:
        assert await store.paper("2505.00001") is not None


async def test_a_file_from_a_newer_paperbot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(SchemaError, match="newer"):
        async with Store.open(path):
            pass


async def test_an_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open"):
        async with Store.open(tmp_path / "missing-dir" / "x.db"):
            pass
    (tmp_path / "notes.txt").write_text("not a database, just text " * 100)
    with pytest.raises(StorageError, match="not a database"):
        async with Store.open(tmp_path / "notes.txt"):
            pass


# --- ingest -----------------------------------------------------------------------------------


async def test_ingest_round_trips_every_field(store: Store) -> None:
    first = make_paper("2505.00001", "첫 논문", {K.MOTIVATION: "동기", K.RESULTS: "결과 **굵게**"})
    second = make_paper("2505.00002", None, {})
    digest = make_digest("2025-05-27", first, second)
    result = await ingest(store, digest)
    assert (result.status, result.papers, result.sections, result.removed) == ("new", 2, 2, 0)
    entry = await store.paper("2505.00001")
    assert entry is not None
    assert entry.paper == first and entry.paper.raw == first.raw
    assert (entry.date, entry.position, entry.total) == (dt.date(2025, 5, 27), 1, 2)
    empty = await store.paper("2505.00002")
    assert empty is not None and empty.paper == second and empty.position == 2


async def test_same_content_hash_changes_nothing(store: Store, tmp_path: Path) -> None:
    digest = make_digest("2025-05-27", make_paper("2505.00001"), make_paper("2505.00002"))
    await ingest(store, digest)
    before = await store.digest(dt.date(2025, 5, 27))
    again = await ingest(store, digest)
    assert (again.status, again.papers, again.sections) == (IngestStatus.UNCHANGED, 2, 14)
    assert await store.digest(dt.date(2025, 5, 27)) == before  # ingested_at included


async def test_changed_content_replaces_that_date_only(store: Store) -> None:
    await ingest(store, make_digest("2025-05-26", make_paper("2505.00001")))
    old = make_digest("2025-05-27", make_paper("2505.00001"), make_paper("2505.00002"))
    await ingest(store, old)
    new_paper = make_paper("2505.00003", "교체된 논문", {K.MOTIVATION: "완전히 새로운 문장"})
    result = await ingest(store, make_digest("2025-05-27", new_paper))
    assert (result.status, result.papers, result.removed) == (IngestStatus.REPLACED, 1, 2)
    assert await store.paper("2505.00002") is None
    assert (await store.paper("2505.00001")).date == dt.date(2025, 5, 26)  # type: ignore[union-attr]
    assert (await store.paper("2505.00003")).total == 1  # type: ignore[union-attr]
    # the full-text index followed the replacement: old text gone, new text found
    assert [h.arxiv_id for h in await store.search("2505.00002")] == []
    assert [h.arxiv_id for h in await store.search("새로운 문장")] == ["2505.00003"]
    assert [h.arxiv_id for h in await store.search("교체된")] == ["2505.00003"]


async def test_a_failure_inside_the_transaction_leaves_the_previous_state(
    store: Store, tmp_path: Path
) -> None:
    old = make_digest("2025-05-27", make_paper("2505.00001"), make_paper("2505.00002"))
    await ingest(store, old)
    # A real failure in the middle of the write: the database itself rejects one section
    # row, after the old rows were deleted and the new entries inserted.
    await poison_sections(store, tmp_path)
    poisoned = make_digest(
        "2025-05-27",
        make_paper("2505.00009", "새 논문"),
        make_paper("2505.00002", bodies={K.MOTIVATION: "ok", K.RESULTS: "POISON"}),
    )
    with pytest.raises(StorageError, match="refused by test trigger"):
        await ingest(store, poisoned)
    assert await store.paper("2505.00009") is None
    entry = await store.paper("2505.00002")
    assert entry is not None and entry.paper == old.papers[1]
    assert [h.arxiv_id for h in await store.search("새 논문")] == []
    assert {h.arxiv_id for h in await store.search("본문입니다", limit=50)} == {
        "2505.00001",
        "2505.00002",
    }
    # the writer is usable afterwards (no transaction left open)
    result = await ingest(store, make_digest("2025-05-28", make_paper("2505.00010")))
    assert result.status == IngestStatus.NEW


async def test_repeated_ids_keep_the_first_entry_and_warn(store: Store) -> None:
    first, again = make_paper("2505.00001", "first"), make_paper("2505.00001", "again")
    result = await ingest(store, make_digest("2025-05-27", first, make_paper("2505.00002"), again))
    assert result.papers == 2
    summary = await store.digest(dt.date(2025, 5, 27))
    assert summary is not None
    assert [p.arxiv_id for p in summary.papers] == ["2505.00001", "2505.00002"]
    assert "appears again" in summary.warnings[-1].message
    assert (await store.paper("2505.00001")).paper.title == "first"  # type: ignore[union-attr]


async def test_a_digest_without_papers_is_archived_empty(store: Store) -> None:
    warning = ParseWarning(line=1, message="no entries")
    result = await ingest(store, make_digest("2025-05-27", warnings=(warning,)))
    assert (result.status, result.papers, result.sections) == (IngestStatus.NEW, 0, 0)
    summary = await store.digest(dt.date(2025, 5, 27))
    assert summary is not None and summary.papers == () and summary.warnings == (warning,)
    assert await store.section_items(K.RESULTS, dt.date(2025, 5, 27), limit=5) == ()


async def test_a_digest_without_date_is_refused(store: Store) -> None:
    with pytest.raises(StorageError, match="no date"):
        await store.ingest(Digest(date=None, papers=(make_paper("2505.00001"),)), content_hash="x")


# --- reads ------------------------------------------------------------------------------------


async def test_versions_newest_by_default_any_by_date(store: Store) -> None:
    await ingest(store, make_digest("2025-05-25", make_paper("2505.00001", "v1")))
    await ingest(
        store, make_digest("2025-05-27", make_paper("2505.00009"), make_paper("2505.00001", "v3"))
    )
    await ingest(store, make_digest("2025-05-26", make_paper("2505.00001", "v2")))  # out of order
    newest = await store.paper("2505.00001")
    assert newest is not None and newest.paper.title == "v3" and newest.position == 2
    assert newest.dates == (dt.date(2025, 5, 27), dt.date(2025, 5, 26), dt.date(2025, 5, 25))
    older = await store.paper("2505.00001", dt.date(2025, 5, 25))
    assert older is not None and older.paper.title == "v1" and older.dates == newest.dates
    assert await store.paper("2505.00001", dt.date(2025, 5, 24)) is None
    assert await store.dates() == newest.dates
    assert await store.latest_date() == dt.date(2025, 5, 27)


async def test_section_items_and_digest_summary(store: Store) -> None:
    await ingest(
        store,
        make_digest(
            "2025-05-27",
            make_paper("2505.00001", bodies={K.LIMITATIONS: "한계 A", K.MOTIVATION: "동기"}),
            make_paper("2505.00002", bodies={K.MOTIVATION: "동기만"}),
            make_paper("2505.00003", bodies={K.LIMITATIONS: "한계 C"}),
        ),
    )
    items = await store.section_items(K.LIMITATIONS, dt.date(2025, 5, 27), limit=10)
    assert [(i.arxiv_id, i.position) for i in items] == [
        ("2505.00001", 1),
        ("2505.00002", 2),
        ("2505.00003", 3),
    ]
    assert [i.section.body if i.section else None for i in items] == ["한계 A", None, "한계 C"]
    page = await store.section_items(K.LIMITATIONS, dt.date(2025, 5, 27), limit=1, offset=2)
    assert [i.arxiv_id for i in page] == ["2505.00003"]
    summary = await store.digest(dt.date(2025, 5, 27))
    assert summary is not None
    assert [p.sections for p in summary.papers] == [
        (K.MOTIVATION, K.LIMITATIONS),
        (K.MOTIVATION,),
        (K.LIMITATIONS,),
    ]
    assert await store.digest(dt.date(2025, 1, 1)) is None


async def test_id_ranges_newest_papers_and_titles(store: Store) -> None:
    await ingest(store, make_digest("2025-05-26", make_paper("2505.11111", "Old Diffusion")))
    await ingest(
        store,
        make_digest(
            "2025-05-27",
            make_paper("2505.22222", "강화 학습을 위한 새 방법"),
            make_paper("2505.11112", "Diffusion Transformers"),
            make_paper("2504.00001", "100% of_the tokens"),
        ),
    )
    ids = await store.ids_between("2505.1", "2505.1\U0010ffff", limit=10)
    assert [s.value for s in ids] == ["2505.11112", "2505.11111"]
    assert ids[0].label == "Diffusion Transformers"
    newest = await store.newest_papers(limit=2)
    assert [s.value for s in newest] == ["2505.22222", "2505.11112"]
    titles = await store.titles_containing("diffusion", limit=10)
    assert [s.value for s in titles] == ["2505.11112", "2505.11111"]  # newest digest first
    assert [s.value for s in await store.titles_containing("학습", limit=5)] == ["2505.22222"]
    assert [s.value for s in await store.titles_containing("0%", limit=5)] == ["2504.00001"]
    assert [s.value for s in await store.titles_containing("f_", limit=5)] == ["2504.00001"]
    assert await store.titles_containing("%", limit=5) == (
        await store.titles_containing("0%", limit=5)
    )


# --- search -----------------------------------------------------------------------------------


@pytest.fixture
async def searchable(store: Store) -> Store:
    await ingest(
        store,
        make_digest(
            "2025-05-27",
            make_paper(
                "2505.00001",
                "AdaCoT: Adaptive Chain-of-Thought via Reinforcement Learning",
                {
                    K.MOTIVATION: "긴 추론은 비용이 큽니다. 강화 학습을 통해 CoT 호출을 줄입니다.",
                    K.RESULTS: "CoT 호출 비율을 3.18%까지 낮추고 응답 토큰을 69.06% 줄였습니다.",
                },
            ),
            make_paper(
                "2505.00002",
                "VisionReasoner: 강화 학습을 통한 통합 시각 인식",
                {
                    K.ARCHITECTURE: "Transformer 인코더와 RL 보상 설계 (100%_정확)",
                },
            ),
            make_paper("2505.00003", "Unrelated", {K.MOTIVATION: "데이터셋 구축에 관한 연구"}),
        ),
    )
    return store


async def test_korean_substring_inside_a_particle_is_found(searchable: Store) -> None:
    hits = await searchable.search("강화 학습")
    assert {(h.arxiv_id, h.field) for h in hits} == {
        ("2505.00002", "title"),
        ("2505.00001", K.MOTIVATION),
    }
    assert hits[0].field == "title"  # a title hit outranks a body hit
    body = next(h for h in hits if h.field == K.MOTIVATION)
    assert [t for t, hit in body.snippet.parts if hit] == ["강화 학습"]
    assert body.snippet.text in "긴 추론은 비용이 큽니다. 강화 학습을 통해 CoT 호출을 줄입니다."
    assert body.snippet.marked("<", ">").count("<강화 학습>") == 1


async def test_english_is_case_insensitive_and_terms_are_anded(searchable: Store) -> None:
    assert [h.arxiv_id for h in await searchable.search("transformer")] == ["2505.00002"]
    hits = await searchable.search("adaptive reinforcement")
    assert [(h.arxiv_id, h.field) for h in hits] == [("2505.00001", "title")]
    marked = [t for t, hit in hits[0].snippet.parts if hit]
    assert marked == ["Adaptive", "Reinforcement"]


async def test_short_queries_scan_and_escape_like_wildcards(searchable: Store) -> None:
    hits = await searchable.search("RL")
    assert [(h.arxiv_id, h.field) for h in hits] == [("2505.00002", K.ARCHITECTURE)]
    assert [t for t, hit in hits[0].snippet.parts if hit] == ["RL"]
    assert [h.arxiv_id for h in await searchable.search("%_")] == ["2505.00002"]
    assert await searchable.search("_x") == []
    # titles first, then the newest rows first (row ids follow date and position)
    assert [h.field for h in await searchable.search("%")] == [K.ARCHITECTURE, K.RESULTS]


async def test_search_pages_with_limit_and_offset(searchable: Store) -> None:
    everything = await searchable.search("니다", limit=50)
    assert len(everything) == 2
    assert await searchable.search("니다", limit=1, offset=1) == everything[1:]
    assert await searchable.search("니다", limit=0) == []
    full = await searchable.search("CoT 호출", limit=50)
    assert [h.arxiv_id for h in full] == ["2505.00001", "2505.00001"]
    assert await searchable.search("CoT 호출", limit=1, offset=1) == full[1:]


HOSTILE = [
    "AND",
    "OR",
    "NOT",
    "a AND b",
    "x OR",
    "NOT x",
    "NEAR(",
    "NEAR(a b, 2)",
    "*",
    "abc*",
    "^",
    "^abc",
    "title:",
    "title:abc",
    "body:강화",
    "{title body}: x",
    '"',
    '""',
    '"unbalanced',
    'a"b"c',
    "(",
    ")",
    "(()",
    "'; DROP TABLE entries; --",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "강화\x00학습",
    "\n\t\r",
    "   ",
    "",
    "+",
    "-",
    ":",
    "a:b:c",
    "🙂" * 3,
    "x" * 10_000,
    "강화 학습 " * 2_000,
    "\ue000",
    "\ue001boom\ue000",
    "\u200b\u200b\u200b",
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:20]))
async def test_hostile_queries_never_raise(searchable: Store, query: str) -> None:
    hits = await searchable.search(query, limit=5)
    assert isinstance(hits, list)
    await searchable.titles_containing(query, limit=5)
    await searchable.ids_between(query, query + "\U0010ffff", limit=5)


QUERY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("\"*^():-+%_\\'{}NEARORANDT 강화학습 \x00"), st.characters()
    ),
    max_size=60,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERY_TEXT)
async def test_no_generated_query_raises(searchable: Store, query: str) -> None:
    for hit in await searchable.search(query, limit=3):
        assert any(matched for _, matched in hit.snippet.parts)
    await searchable.titles_containing(query, limit=3)


async def test_operators_are_matched_as_literal_text(searchable: Store) -> None:
    assert await searchable.search("Reasoner OR Unrelated") == []  # no row has all three
    assert [h.arxiv_id for h in await searchable.search("3.18%")] == ["2505.00001"]


# --- concurrency ------------------------------------------------------------------------------


async def test_fifty_lookups_answer_while_an_ingest_writes(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "busy.db") as store:
        await ingest(store, make_digest("2025-05-27", make_paper("2505.00001", "before")))
        body = "대규모 언어 모델의 강화 학습 보상 설계를 다룹니다. " * 20
        big = make_digest(
            "2025-05-27",
            *(
                make_paper(f"2505.{n:05d}", f"after {n}", dict.fromkeys(K.ordered(), body))
                for n in range(1, 2001)
            ),
        )
        writing = asyncio.create_task(ingest(store, big))
        await asyncio.sleep(0.05)  # let the writer take its lock and start inserting
        assert not writing.done()

        async def lookup(n: int) -> tuple[str | None, bool]:
            if n % 3 == 0:
                await store.search("강화 학습")
            elif n % 3 == 1:
                await store.section_items(K.MOTIVATION, dt.date(2025, 5, 27), limit=5)
            entry = await store.paper("2505.00001")
            assert entry is not None
            return entry.paper.title, writing.done()

        answers = await asyncio.gather(*(lookup(n) for n in range(50)))
        assert len(answers) == 50
        assert all(title in {"before", "after 1"} for title, _ in answers)
        answered_during_write = sum(1 for _, done in answers if not done)
        assert answered_during_write == 50
        assert (await writing).papers == 2000
        assert (await store.paper("2505.00001")).paper.title == "after 1"  # type: ignore[union-attr]


# --- the real digests -------------------------------------------------------------------------


async def test_real_digests_round_trip(store: Store, real_digests: list[Path]) -> None:
    parsed = [parse_digest_file(path) for path in real_digests]
    for path, digest in zip(real_digests, parsed, strict=True):
        digest_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (await store.ingest(digest, content_hash=digest_hash)).status == "new"
        assert (await store.ingest(digest, content_hash=digest_hash)).status == "unchanged"
    for digest in parsed:
        for position, paper in enumerate(digest.papers, start=1):
            entry = await store.paper(paper.arxiv_id, digest.date)
            assert entry is not None and entry.paper == paper and entry.paper.raw == paper.raw
            assert (entry.position, entry.total) == (position, len(digest.papers))
    assert len(await store.dates()) == len(real_digests)
    hits = await store.search("강화 학습", limit=20)
    assert len(hits) == 20 and all("강화 학습" in h.snippet.text for h in hits)


async def test_two_processes_opening_a_new_file_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "race.db"

    async def open_and_read() -> None:
        async with Store.open(path) as store:
            assert await store.dates() == ()

    await asyncio.gather(*(open_and_read() for _ in range(4)))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
