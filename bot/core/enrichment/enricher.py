"""The enricher: one archived digest in, its papers' Hugging Face metadata stored.

One request for the day's list (``/daily_papers?date=``, paged while full), then one per
paper the list lacks (``/papers/{id}``), paced and retried by the client. Hugging Face being
down, slow or hostile is never an error for the caller: the report says what was missing and
why, what was fetched before the problem is stored, and the cards go out as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bot.core.cards.paper_meta import PaperMeta
from bot.core.clock import Clock
from bot.core.enrichment.client import HuggingFaceClient, HuggingFaceError
from bot.core.enrichment.config import EnrichmentConfig
from bot.core.enrichment.repositories import EnrichmentStore
from bot.core.enrichment.response import meta_from

__all__ = ["EnrichReport", "Enricher", "open_enricher"]

_log = logging.getLogger(__name__)

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

    def __init__(self, store: EnrichmentStore, client: HuggingFaceClient, clock: Clock) -> None:
        self._store = store
        self._client = client
        self._clock = clock

    async def enrich_day(self, date: dt.date, *, progress: Progress | None = None) -> EnrichReport:
        """Fetch the metadata of every paper of the digest of ``date`` and store it.

        Never raises for Hugging Face's sake (unreachable, 429 past the retries, malformed
        JSON): the report's ``problem`` says why papers are missing.

        Raises:
            LookupError: No digest of that date is archived.
            StorageError: The metadata could not be stored.
        """
        summary = await self._store.digest(date)
        if summary is None:
            raise LookupError(f"no digest of {date.isoformat()} is archived")
        wanted = [item.arxiv_id for item in summary.papers]
        before = self._client.requests
        now = dt.datetime.fromtimestamp(self._clock.now(), dt.UTC)
        found: dict[str, PaperMeta] = {}
        unknown: list[str] = []
        problem = None
        try:
            for item in await self._client.daily_papers(date):
                meta = meta_from(item.paper, now, item)
                if meta is not None and meta.arxiv_id in wanted:
                    found[meta.arxiv_id] = meta
            _tell(progress, len(found), len(wanted))
            for arxiv_id in (a for a in wanted if a not in found):
                info = await self._client.paper(arxiv_id)
                meta = meta_from(info, now) if info is not None else None
                if meta is None or meta.arxiv_id != arxiv_id:
                    unknown.append(arxiv_id)
                else:
                    found[arxiv_id] = meta
                _tell(progress, len(found) + len(unknown), len(wanted))
        except HuggingFaceError as error:
            problem = str(error)
            _log.debug("enrichment of %s stopped short: %s", date.isoformat(), problem)
        await self._store.metadata.save(list(found.values()))
        return EnrichReport(
            date, len(wanted), len(found), self._client.requests - before, tuple(unknown), problem
        )


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


@asynccontextmanager
async def open_enricher(
    config: EnrichmentConfig, store: EnrichmentStore, clock: Clock
) -> AsyncIterator[Enricher]:
    """An :class:`Enricher` with its HTTP session open; closed on exit."""
    timeout = aiohttp.ClientTimeout(total=config.timeout)
    headers = {
        "User-Agent": "paperbot (+https://github.com/paperbot)",
        "Accept": "application/json",
    }
    async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
        client = HuggingFaceClient(session, config.api_base_url, clock, timeout=config.timeout)
        yield Enricher(store, client, clock)
