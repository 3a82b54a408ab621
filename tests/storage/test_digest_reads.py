"""What a digest read fetches: its warnings once, however many papers it has.

Issue #12: the digest query joined the digest row onto every paper row, so the digest's
warnings (a JSON list that grows with its papers) came back once per paper, papers x warnings
in all: 12.7 GB for a 10,000-paper digest. Memory is not asserted here (``benchmarks/
memory.py`` measures it); the cause is. The real store runs its real statements on
connections traced with SQLite's own trace hook; each statement it ran is then run again on a
plain connection to count how many of the cells it returned were that warnings list. What a
read returns is checked on both backends.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.core.archive.lookup import DigestSummary, Lookup
from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.connections import close_all, connect
from bot.storage.sqlite.store import Store
from digest_parser import ParseWarning, SectionKey
from tests.storage.test_store import make_digest, make_paper

DAY = dt.date(2025, 5, 27)
PAPERS = 40


@asynccontextmanager
async def traced_store(path: Path, statements: list[str]) -> AsyncIterator[Store]:
    """The archive at ``path`` on connections that log every statement they run, expanded."""
    opened: list[aiosqlite.Connection] = []
    try:
        writer = await connect(str(path), opened)
        reader = await connect(str(path), opened, read_only=True)
        for conn in opened:
            await conn.set_trace_callback(statements.append)
        yield Store(writer, [reader], path=str(path))
    finally:
        await close_all(opened)


def cells_equal_to(path: Path, statements: list[str], value: str) -> int:
    """Run the traced reads again on a plain connection; count the cells equal to ``value``."""
    reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert reads, f"no read among {statements}"
    conn = sqlite3.connect(path)
    try:
        return sum(cell == value for sql in reads for row in conn.execute(sql) for cell in row)
    finally:
        conn.close()


async def archive_with_a_warning_per_paper(path: Path) -> tuple[ParseWarning, ...]:
    """A digest whose every paper lacks sections and has a warning saying so, as parsed."""
    papers = [
        make_paper(f"2505.{n:05d}", bodies={SectionKey.MOTIVATION: f"동기 {n}"})
        for n in range(1, PAPERS + 1)
    ]
    warnings = tuple(
        ParseWarning(line=10 * n, paper=p.arxiv_id, message="missing sections: contributions")
        for n, p in enumerate(papers, 1)
    )
    async with Store.open(path) as store:
        await store.ingest(
            make_digest(DAY.isoformat(), *papers, warnings=warnings), content_hash="a"
        )
    return warnings


def stored_warnings(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        ((warnings,),) = conn.execute("SELECT warnings FROM digests").fetchall()
        return str(warnings)
    finally:
        conn.close()


async def test_a_digest_read_fetches_its_warnings_once_not_once_per_paper(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    warnings = await archive_with_a_warning_per_paper(path)
    statements: list[str] = []
    async with traced_store(path, statements) as store:
        summary = await store.digest(DAY)
    assert summary is not None and summary.warnings == warnings
    assert [p.arxiv_id for p in summary.papers] == [f"2505.{n:05d}" for n in range(1, PAPERS + 1)]
    assert all(p.sections == (SectionKey.MOTIVATION,) for p in summary.papers)
    assert cells_equal_to(path, statements, stored_warnings(path)) == 1


async def test_lookup_digest_fetches_the_warnings_once(tmp_path: Path) -> None:
    """``paperbot lookup digest`` and ``/digest`` go through :class:`Lookup`: the same holds."""
    path = tmp_path / "archive.db"
    await archive_with_a_warning_per_paper(path)
    statements: list[str] = []
    async with traced_store(path, statements) as store:
        summary = await Lookup(store).digest(DAY.isoformat())
    assert isinstance(summary, DigestSummary) and len(summary.papers) == PAPERS
    assert cells_equal_to(path, statements, stored_warnings(path)) == 1


@pytest.fixture(params=["sqlite", "postgres"])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh archive of each backend."""
    if request.param == "sqlite":
        async with Store.open(tmp_path / "archive.db") as sqlite:
            yield sqlite
    else:
        async with PostgresStore.open(request.getfixturevalue("migrated_postgres_url")) as postgres:
            yield postgres


async def test_a_digest_reads_back_its_papers_sections_and_warnings(any_store: Any) -> None:
    """What the traced test checks of SQLite's result, on both backends (PostgreSQL reads the
    head and the papers apart too, in one ``REPEATABLE READ`` snapshot)."""
    papers = [
        make_paper(f"2505.{n:05d}", bodies={SectionKey.MOTIVATION: f"동기 {n}"})
        for n in range(1, PAPERS + 1)
    ]
    warnings = tuple(
        ParseWarning(line=10 * n, paper=p.arxiv_id, message="missing sections: contributions")
        for n, p in enumerate(papers, 1)
    )
    digest = make_digest(DAY.isoformat(), *papers, warnings=warnings)
    await any_store.ingest(digest, content_hash="a")
    summary = await Lookup(any_store).digest(DAY.isoformat())
    assert isinstance(summary, DigestSummary) and summary.warnings == warnings
    assert [p.arxiv_id for p in summary.papers] == [f"2505.{n:05d}" for n in range(1, PAPERS + 1)]
    assert all(p.sections == (SectionKey.MOTIVATION,) for p in summary.papers)


async def test_a_digest_without_papers_still_reads_its_head(any_store: Any) -> None:
    warning = ParseWarning(line=1, message="no entries")
    await any_store.ingest(make_digest(DAY.isoformat(), warnings=(warning,)), content_hash="a")
    summary = await any_store.digest(DAY)
    assert summary is not None and summary.papers == () and summary.warnings == (warning,)
    assert await any_store.digest(DAY - dt.timedelta(days=1)) is None
