"""The throw-away cluster works, and has what the PostgreSQL repositories of issue #17 need.

Through psycopg's async API, the one the repositories will use: a version, a table, outbox
claims with ``FOR UPDATE SKIP LOCKED`` between two connections, and pg_trgm finding a Korean
substring through a trigram index.
"""

from __future__ import annotations

import psycopg
import pytest

from tests.postgres_cluster import Cluster


async def test_connects_and_reports_its_version(postgres_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
        row = await (await conn.execute("SELECT version(), current_database()")).fetchone()
    assert row is not None
    version, database = row
    assert str(version).startswith("PostgreSQL ")
    assert str(database).startswith("test_")


async def test_each_test_gets_an_empty_database_of_its_own(
    postgres_url: str, postgres_cluster: Cluster
) -> None:
    assert postgres_url.startswith("postgresql://")
    async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        assert await cur.fetchone() == (0,)
        await conn.execute("CREATE TABLE papers (id text PRIMARY KEY, title text NOT NULL)")
        await conn.execute(
            "INSERT INTO papers VALUES (%s, %s), (%s, %s)",
            ("2401.00001", "Attention", "2401.00002", "Diffusion"),
        )
        await conn.commit()
        cur = await conn.execute("SELECT id FROM papers ORDER BY id")
        assert await cur.fetchall() == [("2401.00001",), ("2401.00002",)]
    # Only on a Unix socket in the cluster's own folder: no TCP at all.
    async with await psycopg.AsyncConnection.connect(postgres_cluster.conninfo()) as conn:
        cur = await conn.execute("SHOW listen_addresses")
        assert await cur.fetchone() == ("",)


async def test_skip_locked_claims_are_disjoint_across_connections(postgres_url: str) -> None:
    """Two deliverers claim outbox rows at once: neither waits, and no row goes to both."""
    async with (
        await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as setup,
        await psycopg.AsyncConnection.connect(postgres_url) as first,
        await psycopg.AsyncConnection.connect(postgres_url) as second,
    ):
        await setup.execute("CREATE TABLE outbox (id int PRIMARY KEY, body text NOT NULL)")
        await setup.execute(
            "INSERT INTO outbox SELECT n, 'card ' || n FROM generate_series(1, 5) AS n"
        )
        claim = "SELECT id FROM outbox ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED"
        # A lock wait would fail the test at once instead of hanging it.
        await second.execute("SET lock_timeout = '200ms'")
        await second.commit()
        first_rows = await (await first.execute(claim)).fetchall()  # holds its locks open
        second_rows = await (await second.execute(claim)).fetchall()
        assert [r[0] for r in first_rows] == [1, 2, 3]
        assert [r[0] for r in second_rows] == [4, 5]
        # The same query without SKIP LOCKED would wait for the first claim: it does.
        with pytest.raises(psycopg.errors.LockNotAvailable):
            await second.execute("SELECT id FROM outbox WHERE id = 1 FOR UPDATE")
        await second.rollback()
        await first.rollback()  # the claims end with their transaction
        cur = await second.execute(claim)
        assert [r[0] for r in await cur.fetchall()] == [1, 2, 3]
        await second.rollback()


async def test_pg_trgm_finds_korean_substrings_through_its_index(postgres_url: str) -> None:
    """pg_trgm is installed, counts Hangul as letters, and its GIN index serves ``LIKE``."""
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur = await conn.execute("SELECT show_trgm('언어 모델')")
        row = await cur.fetchone()
        assert row is not None and len(row[0]) > 0, "pg_trgm found no trigrams in Hangul"
        await conn.execute("CREATE TABLE cards (id int PRIMARY KEY, summary text NOT NULL)")
        await conn.execute(
            "INSERT INTO cards VALUES (1, %s), (2, %s), (3, %s)",
            (
                "대규모 언어 모델의 추론 능력을 향상시키는 방법",
                "확산 모델로 고해상도 이미지를 생성한다",
                "Speech recognition for low-resource languages",
            ),
        )
        await conn.execute(
            "CREATE INDEX cards_summary_trgm ON cards USING gin (summary gin_trgm_ops)"
        )
        await conn.execute("ANALYZE cards")
        await conn.execute("SET enable_seqscan = off")  # three rows: make the planner show it
        search = "SELECT id FROM cards WHERE summary LIKE %s"
        plan = await (await conn.execute("EXPLAIN " + search, ("%언어 모델%",))).fetchall()
        assert any("cards_summary_trgm" in str(line[0]) for line in plan), plan

        async def found(text: str) -> list[int]:
            rows = await (await conn.execute(search, (f"%{text}%",))).fetchall()
            return sorted(int(row[0]) for row in rows)

        assert await found("언어 모델") == [1]
        assert await found("모델") == [1, 2]
        assert await found("이미지를 생성") == [2]
        assert await found("resource") == [3]
