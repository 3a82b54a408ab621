"""Hugging Face's metadata in SQLite: :class:`~bot.core.enrichment.repositories.MetadataRepository`.

A save replaces each paper's row whole, in one transaction: a fetch that lost a field (the
repository link was removed) must not leave the old value behind.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from bot.core.cards.paper_meta import PaperMeta
from bot.core.enrichment.repositories import DayEnrichment
from bot.storage.sqlite.metadata_sql import DAYS_SQL, META_OF_SQL, SAVE_META_SQL

if TYPE_CHECKING:
    from bot.storage.sqlite.tables import Database

__all__ = ["SqliteMetadata", "meta_from_row", "meta_row"]


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
            DayEnrichment(dt.date.fromisoformat(day), papers, enriched, _time(fetched))
            for day, papers, enriched, fetched in rows
        ]


def meta_row(meta: PaperMeta) -> tuple[Any, ...]:
    """The ``paper_meta`` row of ``meta``, in ``META_COLUMNS`` order."""
    fetched = meta.fetched_at.timestamp() if meta.fetched_at is not None else None
    return (
        meta.arxiv_id, meta.title, json.dumps(list(meta.authors), ensure_ascii=False),
        meta.organization, meta.upvotes, meta.comments, meta.github_repo, meta.github_stars,
        meta.project_page, meta.thumbnail, json.dumps(list(meta.keywords), ensure_ascii=False),
        int(meta.withdrawn), fetched,
    )  # fmt: skip


def meta_from_row(row: Sequence[Any]) -> PaperMeta:
    """A :class:`PaperMeta` from a row in ``META_COLUMNS`` order."""
    (aid, title, authors, organization, upvotes, comments, repo, stars, page, thumbnail,
     keywords, withdrawn, fetched) = row  # fmt: skip
    return PaperMeta(
        arxiv_id=str(aid), title=title, authors=tuple(json.loads(authors)),
        organization=organization, upvotes=upvotes, comments=comments, github_repo=repo,
        github_stars=stars, project_page=page, thumbnail=thumbnail,
        keywords=tuple(json.loads(keywords)), withdrawn=bool(withdrawn), fetched_at=_time(fetched),
    )  # fmt: skip


def _time(epoch: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else None
