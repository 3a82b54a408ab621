"""/subscribe filter suggestions over a real archive: the channel's terms, then the newest digest's.

The example digest (2026-01-05) has three papers; only the first has a title
("작은 언어 모델을 위한 자기 검증 추론"), so before enrichment its title words are offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers.filter_suggestions import REREAD_UNENRICHED, DigestVocabulary
from bot.core.answers.subscription_answers import (
    FilterOption,
    SubscriptionDesk,
    parse_subscribe_text,
)
from bot.core.cards.paper_meta import PaperMeta
from bot.core.daily.subscriptions import Subscriptions
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock

DAY = dt.date(2026, 1, 5)
PAPERS = ("2601.01234", "2601.02345", "2601.03456")
TITLE_WORDS = ("작은", "언어", "모델", "자기", "검증", "추론")


def metas(keywords: tuple[str, ...], authors: tuple[str, ...] = ()) -> list[PaperMeta]:
    """Every example paper with the same keywords; the first also with ``authors``."""
    return [
        PaperMeta(paper, keywords=keywords, authors=authors if n == 0 else ("Alan Turing",))
        for n, paper in enumerate(PAPERS)
    ]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "s.db") as opened:
        await ingest_digest(opened, tmp_path, DAY)
        yield opened


async def test_the_newest_digest_is_read_once_and_again_while_metadata_is_missing(
    store: Store, tmp_path: Path
) -> None:
    clock = FakeClock()
    vocabulary = DigestVocabulary(store, clock)
    assert (await vocabulary.newest()).keywords == TITLE_WORDS  # not enriched yet
    await store.metadata.save(metas(("agents", "RL")))
    assert (await vocabulary.newest()).keywords == TITLE_WORDS  # kept for a while
    clock.advance(REREAD_UNENRICHED)
    enriched = await vocabulary.newest()
    assert enriched.keywords == ("agents", "RL") and enriched.authors == ("Alan Turing",)
    await store.metadata.save(metas(("diffusion",)))
    clock.advance(10 * REREAD_UNENRICHED)
    assert (await vocabulary.newest()).keywords == ("agents", "RL")  # complete: kept all day
    await ingest_digest(store, tmp_path, DAY + dt.timedelta(days=1))
    assert (await vocabulary.newest()).keywords == ("diffusion",)  # a newer digest: read


async def test_an_empty_archive_offers_nothing(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "empty.db") as empty:
        assert (await DigestVocabulary(empty, FakeClock()).newest()).keywords == ()


async def test_the_channel_terms_come_first_and_only_for_its_managers(store: Store) -> None:
    clock = FakeClock()
    await store.metadata.save(metas(("reinforcement learning", "retrieval"), ("Ada Lovelace",)))
    desk = SubscriptionDesk(Subscriptions(store, clock), clock, "slack", archive=store)
    args = parse_subscribe_text('include:reward,"강화 학습" exclude:survey authors:"Alan Kay"')
    await desk.subscribe("C1", args)

    async def suggest(channel: str | None, option: FilterOption, typed: str) -> tuple[str, ...]:
        return await desk.suggest(channel, option, typed, count=25, longest=100)

    assert await suggest("C1", "include", "RL,re") == (
        "RL,reward", 'RL,"reinforcement learning"', "RL,retrieval",
    )  # fmt: skip
    assert await suggest(None, "include", "RL,re") == (
        'RL,"reinforcement learning"', "RL,retrieval",
    )  # fmt: skip
    assert (await suggest("C1", "exclude", ""))[0] == "survey"
    assert await suggest("C1", "authors", "al") == ('"Alan Kay"', '"Alan Turing"')
    assert await suggest("C1", "authors", '"Alan Kay",') == (  # by papers: Turing has two
        '"Alan Kay","Alan Turing"', '"Alan Kay","Ada Lovelace"',
    )  # fmt: skip
    assert await suggest("C1", "include", "@everyone") == ()
    bare = SubscriptionDesk(Subscriptions(store, clock), clock, "slack")  # no archive
    assert await bare.suggest("C1", "include", "", count=25, longest=100) == (
        "reward", '"강화 학습"',
    )  # fmt: skip
