"""What ``paperbot migrate`` copies, and the PostgreSQL statements that copy one table.

The data tables, in foreign-key order, are :data:`DATA_TABLES`. Left behind on purpose
(:data:`NOT_COPIED`): ``leases`` (a running process's, meaningless elsewhere), SQLite's FTS5
search index and its shadow tables (PostgreSQL indexes its own columns) and
``unindexed_digests`` (that index's bookkeeping). Any other SQLite table is an error: a table
added later must be listed here before ``migrate`` will run, so no data is left behind unseen.

Each table goes through a temporary table (``COPY`` in, then one ``INSERT … SELECT … ON
CONFLICT DO NOTHING``), so rows the target already has are kept as they are; the statements
are built with :mod:`psycopg.sql`, every name quoted (``reactions.user`` is a keyword).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from psycopg import sql

__all__ = [
    "COLUMNS_SQL",
    "DATA_TABLES",
    "KEYS_SQL",
    "NOT_COPIED",
    "SQLITE_COLUMNS_SQL",
    "SQLITE_TABLES_SQL",
    "TABLE_EXISTS_SQL",
    "copy_in",
    "count_present",
    "insert_keeping_ids",
    "insert_missing",
    "move_sequence",
    "temp_table",
]

#: Every data table, parents before children (digests → entries → texts and sections).
DATA_TABLES: Final = (
    "digests",
    "entries",
    "entry_texts",
    "sections",
    "paper_meta",
    "outbox",
    "paused_channels",
    "filtered_days",
    "subscriptions",
    "schedule_runs",
    "reactions",
    "count_edits",
    "reading_list_hidden",
    "follows",
    "follow_days",
    "follow_sent",
)
#: SQLite tables that hold no data to move: by name, or by prefix (FTS5's shadow tables).
NOT_COPIED: Final = ("leases", "unindexed_digests", "titles_fts", "sections_fts", "sqlite_")

SQLITE_TABLES_SQL: Final = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
SQLITE_COLUMNS_SQL: Final = "SELECT name FROM pragma_table_info(?) ORDER BY cid"

TABLE_EXISTS_SQL: Final = "SELECT to_regclass(%s) IS NOT NULL"
# Name and whether PostgreSQL generates it (``GENERATED … AS IDENTITY``), in table order.
COLUMNS_SQL: Final = (
    "SELECT attname, attidentity <> '' FROM pg_attribute WHERE attrelid = %s::regclass"
    " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
)
# Each unique index's columns, the primary key first.
KEYS_SQL: Final = (
    "SELECT i.indisprimary, array_agg(a.attname::text ORDER BY k.ord)"
    " FROM pg_index i"
    " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
    " WHERE i.indrelid = %s::regclass AND i.indisunique"
    " GROUP BY i.indexrelid, i.indisprimary"
    " ORDER BY i.indisprimary DESC, i.indexrelid::regclass::text"
)


def _names(columns: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def _staged(table: str) -> sql.Identifier:
    """The temporary table a table's source rows are staged in."""
    return sql.Identifier(f"paperbot_migrate_{table}")


def temp_table(table: str, columns: Sequence[str]) -> sql.Composed:
    """A temporary table with ``columns`` of ``table``'s types, gone at commit."""
    return sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
        _staged(table), _names(columns), sql.Identifier(table)
    )


def copy_in(table: str, columns: Sequence[str]) -> sql.Composed:
    """``COPY`` into the staged table (text format: PostgreSQL reads ``1`` as ``true``)."""
    return sql.SQL("COPY {} ({}) FROM STDIN").format(_staged(table), _names(columns))


def _key_match(table: str, key: Sequence[str]) -> sql.Composed:
    """``EXISTS``: the target holds a row with the staged row's key."""
    same = sql.SQL(" AND ").join(
        sql.SQL("t.{0} = s.{0}").format(sql.Identifier(column)) for column in key
    )
    return sql.SQL("EXISTS (SELECT 1 FROM {} t WHERE {})").format(sql.Identifier(table), same)


def count_present(table: str, key: Sequence[str]) -> sql.Composed:
    """How many staged rows the target holds, by key."""
    return sql.SQL("SELECT count(*) FROM {} s WHERE {}").format(
        _staged(table), _key_match(table, key)
    )


def insert_keeping_ids(table: str, columns: Sequence[str], *, overriding: bool) -> sql.Composed:
    """Insert the staged rows as they are; a row clashing with any of the target's is kept out.

    ``overriding``: the table has an identity column, whose source values are kept.
    """
    override = sql.SQL(" OVERRIDING SYSTEM VALUE") if overriding else sql.SQL("")
    return sql.SQL("INSERT INTO {} ({}){} SELECT {} FROM {} ON CONFLICT DO NOTHING").format(
        sql.Identifier(table), _names(columns), override, _names(columns), _staged(table)
    )


def insert_missing(table: str, columns: Sequence[str], key: Sequence[str]) -> sql.Composed:
    """Insert the staged rows the target lacks by key, leaving out generated ``columns``.

    For a row whose id the target had already given another row: it gets a new id.
    """
    return sql.SQL(
        "INSERT INTO {} ({}) SELECT {} FROM {} s WHERE NOT {} ON CONFLICT DO NOTHING"
    ).format(
        sql.Identifier(table),
        _names(columns),
        _names(columns),
        _staged(table),
        _key_match(table, key),
    )


def move_sequence(table: str, column: str) -> sql.Composed:
    """Move an identity column's sequence to the table's largest id, if it has rows."""
    return sql.SQL(
        "SELECT setval(pg_get_serial_sequence({}, {}), m) FROM (SELECT max({}) AS m FROM {}) x"
        " WHERE m IS NOT NULL"
    ).format(sql.Literal(table), sql.Literal(column), sql.Identifier(column), sql.Identifier(table))
