"""Hugging Face's metadata as ``paper_meta`` rows and back: one reading for every backend.

SQLite (:mod:`bot.storage.sqlite.metadata`) and PostgreSQL (:mod:`bot.storage.postgres.metadata`)
keep the same columns (``META_COLUMNS`` of :mod:`bot.storage.sqlite.metadata_sql`): lists as
JSON text, times as epoch seconds, ``withdrawn`` a flag (SQLite stores ``True`` as 1).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from bot.core.cards.paper_meta import PaperMeta

__all__ = ["meta_from_row", "meta_row", "meta_time"]


def meta_row(meta: PaperMeta) -> tuple[Any, ...]:
    """The ``paper_meta`` row of ``meta``, in ``META_COLUMNS`` order."""
    fetched = meta.fetched_at.timestamp() if meta.fetched_at is not None else None
    return (
        meta.arxiv_id, meta.title, json.dumps(list(meta.authors), ensure_ascii=False),
        meta.organization, meta.upvotes, meta.comments, meta.github_repo, meta.github_stars,
        meta.project_page, meta.thumbnail, json.dumps(list(meta.keywords), ensure_ascii=False),
        meta.withdrawn, fetched,
    )  # fmt: skip


def meta_from_row(row: Sequence[Any]) -> PaperMeta:
    """A :class:`PaperMeta` from a row in ``META_COLUMNS`` order."""
    (aid, title, authors, organization, upvotes, comments, repo, stars, page, thumbnail,
     keywords, withdrawn, fetched) = row  # fmt: skip
    return PaperMeta(
        arxiv_id=str(aid), title=title, authors=tuple(json.loads(authors)),
        organization=organization, upvotes=upvotes, comments=comments, github_repo=repo,
        github_stars=stars, project_page=page, thumbnail=thumbnail,
        keywords=tuple(json.loads(keywords)), withdrawn=bool(withdrawn),
        fetched_at=meta_time(fetched),
    )  # fmt: skip


def meta_time(epoch: float | None) -> dt.datetime | None:
    """An epoch-seconds column as an aware UTC time (``None`` stays ``None``)."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else None
