"""Reaction and follow rows into the core's records, the same for every backend.

SQLite and PostgreSQL read the voice tables' columns in the same order (their ``voice_sql``
modules name them); what a row means — a saved paper, a reading-list entry, a count edit, a
follow — is written once, here, so ``/saved`` and ``/follow`` answer alike on either database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.core.cards.counts import Counts
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import CountEdit, Follow, ReadingItem, SavedPaper

__all__ = [
    "count_edit",
    "counts_by_paper",
    "follow_record",
    "follow_values",
    "iso_date",
    "member_key",
    "reading_item",
    "saved_paper",
]

Row = Sequence[Any]


def member_key(member: Member) -> tuple[str, str, str]:
    """A member's key columns: platform, workspace, user."""
    return member.platform, member.workspace, member.user


def iso_date(value: Any) -> dt.date | None:
    """A stored ISO date (``NULL`` or empty: unknown)."""
    return dt.date.fromisoformat(value) if value else None


def counts_by_paper(rows: Iterable[Row]) -> dict[str, Counts]:
    """``(arxiv_id, likes, saves)`` rows as each paper's :class:`Counts`."""
    return {str(a): Counts(int(likes), int(saves)) for a, likes, saves in rows}


def count_edit(row: Row) -> CountEdit:
    """A :class:`CountEdit` from ``(platform, workspace, channel, message, arxiv_id,
    digest_date, version)``."""
    platform, workspace, channel, message, arxiv_id, day, version = row
    return CountEdit(
        ChannelRef(str(platform), str(workspace), str(channel)),
        str(message),
        str(arxiv_id),
        iso_date(day),
        int(version),
    )


def saved_paper(row: Row) -> SavedPaper:
    """A :class:`SavedPaper` from ``(arxiv_id, title, digest_date, at)``."""
    arxiv_id, title, day, at = row
    return SavedPaper(str(arxiv_id), title, iso_date(day), float(at))


def reading_item(row: Row) -> ReadingItem:
    """A :class:`ReadingItem` from ``(arxiv_id, title, digest_date, likes, saves, at)``."""
    arxiv_id, title, day, likes, saves, at = row
    return ReadingItem(str(arxiv_id), title, iso_date(day), Counts(int(likes), int(saves)),
                       float(at))  # fmt: skip


def follow_values(item: Follow) -> tuple[Any, ...]:
    """A follow's columns as stored: terms and authors as JSON lists."""
    return (
        *member_key(item.member),
        json.dumps(list(item.terms), ensure_ascii=False),
        json.dumps(list(item.authors), ensure_ascii=False),
        item.created_at,
        item.told_pause,
    )


def follow_record(row: Row) -> Follow:
    """A :class:`Follow` from a row of the follow columns, in :func:`follow_values`' order."""
    platform, workspace, user, terms, authors, created, told = row
    return Follow(
        Member(str(platform), str(workspace), str(user)),
        tuple(json.loads(terms)),
        tuple(json.loads(authors)),
        float(created),
        told,
    )
