"""Hugging Face's paper JSON, read defensively, and turned into :class:`PaperMeta`.

The API is not ours and its fields come and go (``GET /api/daily_papers``, ``GET
/api/papers/{id}``), so every model ignores unknown fields and tolerates missing ones. Its
text is untrusted: strings and arrays are cut to bounds a card can use, control characters are
dropped, links are kept only when ``https``, and a thumbnail only when it is served from a
Hugging Face host (a card must not make a reader's client fetch from anywhere else).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from bot.core.cards.paper_meta import PaperMeta

__all__ = ["DailyPaper", "PaperInfo", "meta_from", "safe_url"]

#: Kept per paper; the card shows three authors and a few keywords, search wants more.
MAX_AUTHORS: Final = 50
MAX_KEYWORDS: Final = 12
MAX_NAME: Final = 100  # characters of one author, organisation or keyword
MAX_TITLE: Final = 300
MAX_URL: Final = 500
#: Hosts Hugging Face serves thumbnails from (``thumbnail`` in the daily list).
THUMBNAIL_HOSTS: Final = frozenset({"huggingface.co", "cdn-thumbnails.huggingface.co"})
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


def clean(value: Any, limit: int = MAX_NAME) -> str | None:
    """A bounded single-line string without control characters, or None if nothing is left."""
    if not isinstance(value, str):
        return None
    text = " ".join(_CONTROL.sub(" ", value).split())[:limit].strip()
    return text or None


def _count(value: Any) -> int | None:
    """A non-negative count, or None for anything else (strings, floats, negatives, bools)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return min(value, 10**9)


def safe_url(value: Any, hosts: frozenset[str] | None = None) -> str | None:
    """``value`` if it is an ``https`` URL (on one of ``hosts``, when given), else None."""
    if not isinstance(value, str) or len(value) > MAX_URL or _CONTROL.search(value):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or " " in value.strip():
        return None
    if hosts is not None and parts.hostname.lower() not in hosts:
        return None
    return value.strip()


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Author(_Loose):
    """One entry of ``paper.authors``."""

    name: Any = None
    hidden: Any = False


class Organization(_Loose):
    """``organization`` of a daily list item."""

    name: Any = None
    fullname: Any = None


class PaperInfo(_Loose):
    """``paper`` of a daily list item, or the whole answer of ``/papers/{id}``."""

    id: Any = None
    title: Any = None
    authors: list[Author] = Field(default_factory=list)
    upvotes: Any = None
    numComments: Any = None  # the API spells it so
    ai_keywords: Any = None
    githubRepo: Any = None
    githubStars: Any = None
    projectPage: Any = None
    withdrawnAt: Any = None
    organization: Organization | None = None


class DailyPaper(_Loose):
    """One item of ``/daily_papers``."""

    paper: PaperInfo
    title: Any = None
    thumbnail: Any = None
    numComments: Any = None
    organization: Organization | None = None


def meta_from(
    info: PaperInfo, fetched_at: dt.datetime, item: DailyPaper | None = None
) -> PaperMeta | None:
    """The checked :class:`PaperMeta` of ``info`` (None without a usable id)."""
    arxiv_id = clean(info.id, 40)
    if arxiv_id is None:
        return None
    org = (item.organization if item else None) or info.organization
    keywords = info.ai_keywords if isinstance(info.ai_keywords, list) else []
    authors = [a for a in info.authors[: MAX_AUTHORS * 4] if a.hidden is not True]
    return PaperMeta(
        arxiv_id=arxiv_id,
        title=clean(info.title, MAX_TITLE) or clean(item.title if item else None, MAX_TITLE),
        authors=_names(a.name for a in authors)[:MAX_AUTHORS],
        organization=(clean(org.fullname) or clean(org.name)) if org else None,
        upvotes=_count(info.upvotes),
        comments=_count(item.numComments if item else None) or _count(info.numComments),
        github_repo=safe_url(info.githubRepo),
        github_stars=_count(info.githubStars),
        project_page=safe_url(info.projectPage),
        thumbnail=safe_url(item.thumbnail, THUMBNAIL_HOSTS) if item else None,
        keywords=_names(keywords[: MAX_KEYWORDS * 4])[:MAX_KEYWORDS],
        withdrawn=bool(info.withdrawnAt),
        fetched_at=fetched_at,
    )


def _names(values: Any) -> tuple[str, ...]:
    return tuple(name for value in values if (name := clean(value)) is not None)
