"""Hugging Face's metadata in SQLite: :class:`~bot.core.enrichment.repositories.MetadataRepository`.

A save replaces each paper's row whole, in one transaction: a fetch that lost a field (the
repository link was removed) must not leave the old value behind.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from bot.core.cards.paper_meta import PaperMeta
from bot.core.enrichment.repositories import DayEnrichment
from bot.storage.meta_records import meta_from_row, meta_row, meta_time
from bot.storage.sqlite.metadata_sql import DAYS_SQL, META_OF_SQL, SAVE_META_SQL

if TYPE_CHECKING:
    from bot.storage.sqlite.tables import Database

__all__ = ["SqliteMetadata"]


class SqliteMetadata:
    """The ``paper_meta`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, metas: Sequence[PaperMeta]) -> None:
        if not metas:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(SAVE_META_SQL, [meta_row(m) for m in metas])

    async def of_papers(self, arxiv_ids: Collection[str]) -> dict[str, PaperMeta]:
        if not arxiv_ids:
            return {}
        rows = await self._db.query(META_OF_SQL, json.dumps(sorted(set(arxiv_ids))))
        return {meta.arxiv_id: meta for meta in map(meta_from_row, rows)}

    async def days(self) -> list[DayEnrichment]:
        rows = await self._db.query(DAYS_SQL)
        return [
            DayEnrichment(dt.date.fromisoformat(day), papers, enriched, meta_time(fetched))
            for day, papers, enriched, fetched in rows
        ]
