"""What a repository shared by both backends uses of a store: its two doors, typed loosely.

SQLite's and PostgreSQL's stores both offer ``transaction()`` (a connection inside one
transaction) and ``query()`` (the rows of one read). Where a repository differs between the
two only in its SQL text, one class takes the statements and these Protocols; the drivers'
connections both answer ``await conn.execute(sql, params)`` with a cursor that has a
``rowcount``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

__all__ = ["Cursor", "Database", "execute"]


class Cursor(Protocol):
    """What a write's cursor tells: how many rows it touched."""

    @property
    def rowcount(self) -> int: ...


class _Connection(Protocol):
    async def execute(self, sql: Any, params: Any = ..., /) -> Cursor: ...


class Database(Protocol):
    """A store of either backend."""

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]: ...


async def execute(conn: _Connection, sql: str, params: Sequence[Any]) -> Cursor:
    """One statement on either driver's connection."""
    return await conn.execute(sql, params)
