"""The one type callers name for "the store": what every backend's store is.

The composition root and the commands open storage with :func:`bot.storage.open_store` and
hand the store to every core service; each service asks only for its own slice (the worker a
``WorkerStore``, the scheduler a ``SchedulerStore``, …). This Protocol is their union, so a
caller never names :class:`bot.storage.sqlite.store.Store` and PostgreSQL's store fits
wherever SQLite's does. It adds nothing of its own: a feature a caller needs belongs in the
core Protocol of its concern first.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.archive.repositories import Archive
from bot.core.daily.repositories import DailyStore
from bot.core.enrichment.repositories import EnrichmentStore
from bot.core.voice.repositories import VoiceStore

__all__ = ["Storage"]


class Storage(Archive, EnrichmentStore, DailyStore, VoiceStore, Protocol):
    """Everything paperbot keeps: the archive and its search, metadata, the outbox and
    leases, subscriptions and schedule runs, reactions and follows.

    Composed of the core's leaf Protocols only: the services' own unions (``WorkerStore``,
    ``SchedulerStore``, ``EditorStore``, …) list the same bases in orders that cannot share
    one class, and a Protocol is matched by its members anyway.
    """
