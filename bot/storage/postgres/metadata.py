"""Hugging Face's metadata in PostgreSQL: the core's ``MetadataRepository``.

As in SQLite (:mod:`bot.storage.sqlite.metadata`): a save replaces each paper's row whole, in
one transaction, so a fetch that lost a field (the repository link was removed) does not leave
the old value behind. Rows are read and written by :mod:`bot.storage.meta_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from bot.core.enrichment.repositories import DayEnrichment
from bot.storage.meta_records import meta_from_row, meta_row, meta_time
from bot.storage.postgres.metadata_sql import DAYS_SQL, META_OF_SQL, SAVE_META_SQL

if TYPE_CHECKING:
    from bot.core.cards.paper_meta import PaperMeta
    from bot.storage.postgres.tables import Database

__all__ = ["PostgresMetadata"]


class PostgresMetadata:
    """The ``paper_meta`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, metas: Sequence[PaperMeta]) -> None:
        if not metas:
            return
        rows = [meta_row(m) for m in sorted(metas, key=lambda m: m.arxiv_id)]  # lock order
        async with self._db.transaction() as conn, conn.cursor() as cursor:
            await cursor.executemany(SAVE_META_SQL, rows)

    async def of_papers(self, arxiv_ids: Collection[str]) -> dict[str, PaperMeta]:
        if not arxiv_ids:
            return {}
        rows = await self._db.query(META_OF_SQL, sorted(set(arxiv_ids)))
        return {meta.arxiv_id: meta for meta in map(meta_from_row, rows)}

    async def days(self) -> list[DayEnrichment]:
        rows = await self._db.query(DAYS_SQL)
        return [
            DayEnrichment(dt.date.fromisoformat(day), int(papers), int(enriched), meta_time(at))
            for day, papers, enriched, at in rows
        ]
