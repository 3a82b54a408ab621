"""PostgreSQL's search finds what SQLite's FTS5 trigram index finds, on the real digests.

Every real digest is archived in both backends (SQLite then fully indexed), with a little
metadata for the English-title and author hits; then every query below, from Korean substrings
glued to particles to LIKE metacharacters and a 10,000-character query, must give the same
set of hits ``(arxiv id, date, field)`` (the limit large enough to hold them all: only the
order of the ranked part may differ), the same marked text per hit, and the same
``titles_containing`` suggestions in the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.core.archive.records import SearchHit, clean_query
from bot.core.cards.paper_meta import PaperMeta
from bot.storage.postgres.store import PostgresStore
from bot.storage.search_text import search_terms
from bot.storage.sqlite.store import Store
from digest_parser import parse_digest_file

#: Enough to hold every hit of any query on the real digests: the sets compare whole.
ALL = 5_000

QUERIES = [
    # Korean: words, particles glued on, spaces inside, one or two syllables
    "강화 학습", "강화 학습을", "학습을", "언어 모델", "모델", "모델의", "데이터셋", "성능을",
    "제안합니다", "있습니다", "실험", "학", "의", "벤치마크에서",
    # English: any case, several terms ANDed, short
    "transformer", "TRANSFORMER", "Transformer", "reasoning", "Reasoning model", "LLM",
    "llm", "diffusion model", "video generation", "RL", "AI", "GPT", "x",
    # numbers, punctuation, quotes, LIKE and FTS5 metacharacters
    "2505", "10%", "%", "_", "\\", "a_b", "50%", '"quoted"', "'", "NEAR(a b)", "a* OR b",
    # metadata: English titles and authors (saved below)
    "Ada Lovelace", "lovelace", "Turing", "Attention Needed", "graph",
    # nothing, too long
    "zzzz-not-anywhere", "가" * 10_000, "abc " * 2_500,
]  # fmt: skip

META = [
    ("Attention Is Needed Everywhere", ("Ada Lovelace", "Alan Turing")),
    ("Graph Reasoning at Scale", ("Grace Hopper", "Ada Lovelace")),
    ("A Survey of Everything", ("Alan Turing",)),
]


def _key(hit: SearchHit) -> tuple[str, dt.date, str]:
    return hit.arxiv_id, hit.date, str(hit.field)


def _marks(hit: SearchHit) -> tuple[str, ...]:
    return tuple(text.casefold() for text, marked in hit.snippet.parts if marked)


def _same_marks(want: SearchHit, got: SearchHit, query: str) -> bool:
    """A whole title marks every occurrence in both; a section's snippet window is FTS5's own
    choice (it may show a later occurrence, or cut one at its end), so there both must mark
    only the query's terms (neighbours join into one mark), and PostgreSQL a whole one."""
    if want.field in ("title", "title_en", "authors"):
        return set(_marks(want)) == set(_marks(got))
    terms = [term.casefold() for term in search_terms(clean_query(query))]
    whole = re.compile("(?:" + "|".join(map(re.escape, terms)) + ")+")  # neighbours join
    only_terms = all(
        whole.fullmatch(m) or any(m in t for t in terms) for m in _marks(want) + _marks(got)
    )
    return only_terms and any(whole.fullmatch(m) for m in _marks(got))


async def test_both_backends_find_the_same_hits(
    real_digests: list[Path], tmp_path: Path, postgres_url: str
) -> None:
    parsed = [
        (parse_digest_file(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in real_digests
    ]
    ids = [paper.arxiv_id for digest, _ in parsed for paper in digest.papers]
    metas = [
        PaperMeta(arxiv_id=aid, title=title, authors=authors)
        for aid, (title, authors) in zip(ids[::7], META, strict=False)
    ]
    async with Store.open(tmp_path / "s.db") as sqlite, PostgresStore.open(postgres_url) as pg:
        for store in (sqlite, pg):
            for digest, content_hash in parsed:
                await store.ingest(digest, content_hash=content_hash)
            await store.metadata.save(metas)
        await sqlite.indexed()
        differences = []
        for query in QUERIES:
            want, got = await sqlite.search(query, limit=ALL), await pg.search(query, limit=ALL)
            if Counter(map(_key, want)) != Counter(map(_key, got)):
                differences.append(f"search {query[:30]!r}: {len(want)} in SQLite, {len(got)}")
            else:
                theirs = {_key(h): h for h in got}
                bad = [h for h in want if not _same_marks(h, theirs[_key(h)], query)]
                if bad:
                    differences.append(
                        f"snippets of {query[:30]!r}: {bad[0]} {theirs[_key(bad[0])]}"
                    )
            for limit in (1, 5, 50):
                want_titles = await sqlite.titles_containing(query, limit=limit)
                if want_titles != await pg.titles_containing(query, limit=limit):
                    differences.append(f"titles_containing {query[:30]!r} limit {limit}")
        assert differences == []
        assert "authors" in {h.field for h in await pg.search("lovelace", limit=ALL)}
        assert "title_en" in {h.field for h in await pg.search("graph", limit=ALL)}


async def test_found_sets_are_not_trivially_empty(
    real_digests: list[Path], postgres_url: str
) -> None:
    """The parity above means something: common queries find many hits of every kind."""
    async with PostgresStore.open(postgres_url) as pg:
        for path in real_digests:
            await pg.ingest(parse_digest_file(path), content_hash=path.name)
        assert len(await pg.search("강화 학습", limit=ALL)) > 20
        assert len(await pg.search("학", limit=ALL)) > 20
        assert any(h.field == "title" for h in await pg.search("model", limit=ALL))
        assert len(await pg.titles_containing("model", limit=50)) > 5


@pytest.mark.parametrize("offset", [0, 3, 10])
async def test_pages_of_a_ranked_search_tile_the_whole_list(
    real_digests: list[Path], postgres_url: str, offset: int
) -> None:
    async with PostgresStore.open(postgres_url) as pg:
        for path in real_digests:
            await pg.ingest(parse_digest_file(path), content_hash=path.name)
        whole = await pg.search("모델을", limit=ALL)
        page = await pg.search("모델을", limit=5, offset=offset)
        assert page == whole[offset : offset + 5]
