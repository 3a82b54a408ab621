"""What a digest read fetches from SQLite: its warnings once, however many papers it has.

Issue #12: the digest query joined the digest row onto every paper row, so the digest's
warnings (a JSON list that grows with its papers) came back once per paper, papers x warnings
in all: 12.7 GB for a 10,000-paper digest. Memory is not asserted here (``benchmarks/
memory.py`` measures it); the cause is. The real store runs its real statements on
connections traced with SQLite's own trace hook; each statement it ran is then run again on a
plain connection to count how many of the cells it returned were that warnings list.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.core.archive.lookup import DigestSummary, Lookup
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


async def test_a_digest_without_papers_still_reads_its_head(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    warning = ParseWarning(line=1, message="no entries")
    async with Store.open(path) as store:
        await store.ingest(make_digest(DAY.isoformat(), warnings=(warning,)), content_hash="a")
        summary = await store.digest(DAY)
        assert summary is not None and summary.papers == () and summary.warnings == (warning,)
        assert await store.digest(DAY - dt.timedelta(days=1)) is None
