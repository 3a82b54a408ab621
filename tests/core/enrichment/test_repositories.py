"""The metadata repository's contract, on every storage backend (``backend_store``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.cards.paper_meta import PaperMeta
from bot.core.enrichment.repositories import DayEnrichment, EnrichmentStore
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest

DAY = dt.date(2026, 1, 5)
FETCHED = dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.UTC)

FULL = PaperMeta(
    arxiv_id="2601.01234",
    title="Self-Verifying Agents",
    authors=("Kim Minji", "@everyone", "李 雷", "Ana Souza"),
    organization="Example Lab",
    upvotes=42,
    comments=3,
    github_repo="https://github.com/example/agents",
    github_stars=1_200,
    project_page="https://example.org/agents",
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2601.01234.png",
    keywords=("agents", "강화 학습"),
    withdrawn=False,
    fetched_at=FETCHED,
)


def _as_store(store: Store) -> EnrichmentStore:
    return store  # mypy checks here that the SQLite store is what the enricher asks for


async def test_every_field_comes_back(backend_store: Store) -> None:
    metadata = _as_store(backend_store).metadata
    bare = PaperMeta(arxiv_id="2601.09999")
    await metadata.save([FULL, bare])
    assert await metadata.of_papers(["2601.01234", "2601.09999", "2601.00000"]) == {
        FULL.arxiv_id: FULL,
        bare.arxiv_id: bare,
    }
    assert await metadata.of_papers([]) == {}


async def test_a_save_replaces_the_whole_row(backend_store: Store) -> None:
    metadata = backend_store.metadata
    await metadata.save([FULL])
    later = PaperMeta(arxiv_id=FULL.arxiv_id, upvotes=50, withdrawn=True, fetched_at=FETCHED)
    await metadata.save([later])
    assert await metadata.of_papers([FULL.arxiv_id]) == {FULL.arxiv_id: later}


async def test_days_count_the_enriched_papers(backend_store: Store, tmp_path: Path) -> None:
    await ingest_digest(backend_store, tmp_path, DAY)
    await ingest_digest(backend_store, tmp_path, DAY + dt.timedelta(days=1))
    (newest, oldest) = await backend_store.metadata.days()
    assert newest.date == DAY + dt.timedelta(days=1)
    assert (newest.enriched, newest.fetched_at) == (0, None)
    assert newest.papers == oldest.papers > 0
    await backend_store.metadata.save([FULL])  # a paper of the example digest
    days = await backend_store.metadata.days()
    assert days == [
        DayEnrichment(newest.date, newest.papers, 1, FETCHED),
        DayEnrichment(DAY, oldest.papers, 1, FETCHED),
    ]


async def test_an_archived_entry_carries_its_metadata(backend_store: Store, tmp_path: Path) -> None:
    await ingest_digest(backend_store, tmp_path, DAY)
    entry = await backend_store.paper(FULL.arxiv_id, DAY)
    assert entry is not None and entry.meta is None
    await backend_store.metadata.save([FULL])
    entry = await backend_store.paper(FULL.arxiv_id, DAY)
    assert entry is not None and entry.meta == FULL
    # Re-archiving the digest rewrites its entries; the metadata is the paper's and stays.
    await ingest_digest(backend_store, tmp_path, DAY)
    entry = await backend_store.paper(FULL.arxiv_id)
    assert entry is not None and entry.meta == FULL


@pytest.mark.parametrize("name", ["", "x" * 10_000, "'); DROP TABLE paper_meta; --"])
async def test_names_are_kept_as_text(backend_store: Store, name: str) -> None:
    meta = PaperMeta(arxiv_id="2601.01234", authors=(name,), keywords=(name,), title=name)
    await backend_store.metadata.save([meta])
    assert (await backend_store.metadata.of_papers([meta.arxiv_id]))[meta.arxiv_id] == meta


async def test_search_finds_papers_by_author_and_english_title(
    backend_store: Store, tmp_path: Path
) -> None:
    await ingest_digest(backend_store, tmp_path, DAY)
    before = await backend_store.search("self-verifying")
    await backend_store.metadata.save([FULL])
    by_author = await backend_store.search("ana souza")
    assert [(h.arxiv_id, h.field, h.where) for h in by_author][:1] == [
        (FULL.arxiv_id, "authors", "authors")
    ]
    assert by_author[0].snippet.marked() == "**Ana** **Souza**"
    by_title = await backend_store.search("self-verifying agents")
    assert (by_title[0].arxiv_id, by_title[0].field) == (FULL.arxiv_id, "title_en")
    assert by_title[0].snippet.text == "Self-Verifying Agents"
    # The digest-text hits follow, as before, and pages continue across both.
    assert by_title[1:] == [h for h in before if h in by_title[1:]]
    assert await backend_store.search("self-verifying agents", limit=1, offset=1) == by_title[1:2]
    assert await backend_store.search("nobody at all") == []
