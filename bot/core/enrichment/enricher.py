"""The enricher: one archived digest in, its papers' Hugging Face metadata stored.

TODO(#14 stream H): implement. The signatures below are the contract the wiring stream codes
against; keep them (add, do not rename).

One request for the day's list (``/daily_papers?date=``, paged while full), then one per
paper the list lacks (``/papers/{id}``), paced and retried by the client. Hugging Face being
down, slow or hostile is never an error for the caller: the report says what was missing and
why, and the cards go out as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.enrichment.config import EnrichmentConfig
from bot.core.enrichment.repositories import EnrichmentStore

__all__ = ["EnrichReport", "Enricher", "open_enricher"]

#: Told how many of a day's papers are done, of how many: drives ``paperbot enrich``'s bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class EnrichReport:
    """What one :meth:`Enricher.enrich_day` did."""

    date: dt.date
    papers: int  # papers in the archived digest
    enriched: int  # papers whose metadata this run stored
    requests: int  # HTTP requests made, retries included
    unknown: tuple[str, ...] = ()  # papers Hugging Face does not know (404)
    problem: str | None = None  # why it stopped short, for a log line or the CLI; None if not


class Enricher:
    """Fetches and stores the metadata of archived digests."""

    def __init__(self, store: EnrichmentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def enrich_day(self, date: dt.date, *, progress: Progress | None = None) -> EnrichReport:
        """Fetch the metadata of every paper of the digest of ``date`` and store it.

        Never raises for Hugging Face's sake (unreachable, 429 past the retries, malformed
        JSON): the report's ``problem`` says why papers are missing.

        Raises:
            LookupError: No digest of that date is archived.
            StorageError: The metadata could not be stored.
        """
        raise NotImplementedError


@asynccontextmanager
async def open_enricher(
    config: EnrichmentConfig, store: EnrichmentStore, clock: Clock
) -> AsyncIterator[Enricher]:
    """An :class:`Enricher` with its HTTP session open; closed on exit."""
    raise NotImplementedError
    yield Enricher(store, clock)  # pragma: no cover
