"""``paperbot migrate``: copy a SQLite archive into PostgreSQL, check it, and be safe to rerun.

The one module that knows both backends. The source opens as any SQLite open does (migrated to
the current schema), the target as any PostgreSQL open does (migrated too); then every data
table (:data:`~bot.storage.migrate_sql.DATA_TABLES`) is copied in one PostgreSQL transaction,
so a failure leaves the target as it was. What must hold:

- **Nothing dropped silently.** Before anything is written, each source table's columns are
  compared with the target's: a column (or a table with rows) PostgreSQL lacks is an error, and
  so is a SQLite table this module does not know.
- **Rerunnable.** Rows go in with ``ON CONFLICT DO NOTHING``: a row the target already holds
  (same key) is kept as it is, never overwritten; a rerun copies only what is missing.
- **Checked.** After the copy, every source key is looked up in the target; a table is
  verified when all are there. The key is the primary key, or for the outbox, whose id is
  generated, its natural key (platform, channel, digest date, paper): an id the target had
  given another row already is given a new one, and the sequence moves past the largest id.
- **Not under a running process.** A live delivery lease in the source (``serve`` or ``post``
  still sending) refuses the copy, unless forced: rows it writes meanwhile would be missed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bot.core.clock import Clock, SystemClock
from bot.core.delivery.lease import delivery_holders, describe_owner
from bot.core.errors import StorageError
from bot.storage.migrate_sql import (
    COLUMNS_SQL,
    DATA_TABLES,
    KEYS_SQL,
    NOT_COPIED,
    SQLITE_COLUMNS_SQL,
    SQLITE_TABLES_SQL,
    TABLE_EXISTS_SQL,
    copy_in,
    count_present,
    insert_keeping_ids,
    insert_missing,
    move_sequence,
    temp_table,
)
from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.store import Store

if TYPE_CHECKING:
    from bot.storage.postgres.tables import Connection, Row

__all__ = ["BATCH_ROWS", "SourceInUse", "TableReport", "copy_tables", "migrate_archive"]

_log = logging.getLogger(__name__)

#: Source rows read and staged at a time: a few MB even of section bodies.
BATCH_ROWS: Final = 2000


class SourceInUse(StorageError):
    """A paperbot process still delivers from the source archive."""


@dataclass(frozen=True)
class TableReport:
    """One table's copy: its rows in the source, how many went in, how many were there."""

    table: str
    source_rows: int
    copied: int
    already_present: int
    verified: bool


@dataclass(frozen=True)
class _Plan:
    """How one table is copied, decided before anything is written."""

    table: str
    columns: tuple[str, ...]  # the source's, all present in the target
    key: tuple[str, ...]  # what "the same row" means
    identity: str | None  # a generated id column among ``columns``


async def migrate_archive(
    source_path: str, target_url: str, *, force: bool = False, clock: Clock | None = None
) -> list[TableReport]:
    """Copy the SQLite archive at ``source_path`` into the database at ``target_url``.

    Raises:
        SourceInUse: A process holds a delivery lease in the source (and not ``force``).
        StorageError: Either database failed, or the target cannot hold every source column;
            nothing was written to the target.
        SchemaError: Either schema is newer than this paperbot, or a migration failed.
    """
    async with Store.open(source_path, background_index=False) as source:
        holders = await delivery_holders(source, clock or SystemClock())
        if holders and not force:
            who = "; ".join(
                f"{describe_owner(owner)} delivers to {platform}"
                for platform, owner in sorted(holders.items())
            )
            raise SourceInUse(
                f"a paperbot process is still using this archive ({who}): stop it and run "
                "migrate again (or --force to copy what is there now)"
            )
        async with PostgresStore.open(target_url) as target:
            reports = await copy_tables(source, target)
    _log.info("copied %s into PostgreSQL", source_path)
    return reports


async def copy_tables(
    source: Store,
    target: PostgresStore,
    tables: Sequence[str] = DATA_TABLES,
    *,
    batch_rows: int = BATCH_ROWS,
) -> list[TableReport]:
    """Copy ``tables`` from ``source`` into ``target`` in one transaction, and verify them.

    ``batch_rows``: source rows read at a time.

    Raises:
        StorageError: As :func:`migrate_archive`; the target is left as it was.
    """
    await _refuse_unknown_tables(source, tables)
    async with target.transaction() as conn:
        plans = [plan for table in tables if (plan := await _plan(source, conn, table))]
        return [await _copy(source, conn, plan, batch_rows) for plan in plans]


async def _refuse_unknown_tables(source: Store, tables: Sequence[str]) -> None:
    names = [str(name) for (name,) in await source.query(SQLITE_TABLES_SQL)]
    unknown = [n for n in names if n not in tables and not n.startswith(NOT_COPIED)]
    if unknown:
        raise StorageError(
            f"the archive has tables this paperbot cannot copy ({', '.join(unknown)}): "
            "upgrade paperbot"
        )


async def _plan(source: Store, conn: Connection, table: str) -> _Plan | None:
    """How to copy ``table``; None when neither side has it (nothing to copy).

    Raises:
        StorageError: The target lacks the table (while the source has rows) or a column.
    """
    columns = tuple(str(c) for (c,) in await source.query(SQLITE_COLUMNS_SQL, table))
    if not columns:
        return None
    exists = await (await conn.execute(TABLE_EXISTS_SQL, (table,))).fetchone()
    if not (exists and exists[0]):
        ((rows,),) = await source.query(f'SELECT count(*) FROM "{table}"')
        if rows:
            raise StorageError(
                f"the PostgreSQL database has no table {table} for the archive's {rows} rows: "
                "upgrade paperbot"
            )
        return None
    target = {
        str(n): bool(g) for n, g in await (await conn.execute(COLUMNS_SQL, (table,))).fetchall()
    }
    lacking = [c for c in columns if c not in target]
    if lacking:
        raise StorageError(
            f"the PostgreSQL table {table} lacks the archive's column(s) {', '.join(lacking)}: "
            "nothing was copied (upgrade paperbot, or migrate the database first)"
        )
    identity = next((c for c in columns if target[c]), None)
    keys = [tuple(k) for _, k in await (await conn.execute(KEYS_SQL, (table,))).fetchall()]
    key = next((k for k in keys if identity not in k), keys[0] if keys else columns)
    return _Plan(table, columns, key, identity)


async def _copy(source: Store, conn: Connection, plan: _Plan, batch_rows: int) -> TableReport:
    """Stage the source rows with ``COPY``, insert the missing ones, count what is there."""
    await conn.execute(temp_table(plan.table, plan.columns))
    staged = 0
    async with conn.cursor().copy(copy_in(plan.table, plan.columns)) as copy:
        async for rows in _batches(source, plan, batch_rows):
            for row in rows:
                await copy.write_row(row)
            staged += len(rows)
    before = await _count(conn, plan)
    inserted = await conn.execute(
        insert_keeping_ids(plan.table, plan.columns, overriding=plan.identity is not None)
    )
    copied = max(0, inserted.rowcount)
    if plan.identity is not None:
        await conn.execute(move_sequence(plan.table, plan.identity))
        if plan.identity not in plan.key:  # rows whose id the target had given to another
            generated = [c for c in plan.columns if c != plan.identity]
            renumbered = await conn.execute(insert_missing(plan.table, generated, plan.key))
            copied += max(0, renumbered.rowcount)
    after = await _count(conn, plan)
    report = TableReport(plan.table, staged, copied, before, after == staged)
    _log.info("%s", report)
    return report


async def _batches(source: Store, plan: _Plan, size: int) -> AsyncIterator[list[Row]]:
    """The source rows in ``rowid`` order, ``size`` at a time (bounded memory)."""
    names = ", ".join(f'"{c}"' for c in plan.columns)
    read = f'SELECT rowid, {names} FROM "{plan.table}" WHERE rowid > ? ORDER BY rowid LIMIT ?'
    after = -(2**63)  # below any rowid
    while rows := await source.query(read, after, max(1, size)):
        after = rows[-1][0]
        yield [row[1:] for row in rows]


async def _count(conn: Connection, plan: _Plan) -> int:
    row = await (await conn.execute(count_present(plan.table, plan.key))).fetchone()
    return int(row[0]) if row else 0
