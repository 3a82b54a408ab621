"""Answers kept while the archive's version holds, and computed once when many ask at once."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import pytest

from bot.core.answers.cache import AnswerCache


class Archive:
    """A version that tests change by hand, and a computation that counts its runs."""

    def __init__(self) -> None:
        self.version = 1
        self.runs = 0
        self.gate = asyncio.Event()
        self.gate.set()

    def current(self) -> Hashable:
        return self.version

    async def answer(self, key: str) -> str:
        self.runs += 1
        await self.gate.wait()
        return f"{key}@{self.version}"


@pytest.fixture
def archive() -> Archive:
    return Archive()


async def test_an_answer_is_kept_until_the_archive_changes(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=8)
    first = await cache.get("a", lambda: archive.answer("a"))
    again = await cache.get("a", lambda: archive.answer("a"))
    assert (first, again, archive.runs) == ("a@1", "a@1", 1)
    assert cache.peek("a") == "a@1"
    archive.version = 2
    assert cache.peek("a") is None
    assert await cache.get("a", lambda: archive.answer("a")) == "a@2"
    assert archive.runs == 2


async def test_simultaneous_asks_share_one_computation(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=8)
    archive.gate.clear()
    asks = [asyncio.ensure_future(cache.get("a", lambda: archive.answer("a"))) for _ in range(5)]
    await asyncio.sleep(0)
    archive.gate.set()
    assert await asyncio.gather(*asks) == ["a@1"] * 5
    assert archive.runs == 1


async def test_failures_are_not_kept(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=8)

    async def broken() -> str:
        raise RuntimeError("archive read failed")

    with pytest.raises(RuntimeError, match="archive read failed"):
        await cache.get("a", broken)
    assert cache.peek("a") is None
    assert await cache.get("a", lambda: archive.answer("a")) == "a@1"


async def test_a_cancelled_asker_does_not_cancel_the_others(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=8)
    archive.gate.clear()
    impatient = asyncio.ensure_future(cache.get("a", lambda: archive.answer("a")))
    patient = asyncio.ensure_future(cache.get("a", lambda: archive.answer("a")))
    await asyncio.sleep(0)
    impatient.cancel()
    archive.gate.set()
    assert await patient == "a@1"
    assert impatient.cancelled() and cache.peek("a") == "a@1"


async def test_an_answer_made_while_the_archive_changed_is_not_kept(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=8)
    archive.gate.clear()
    asked = asyncio.ensure_future(cache.get("a", lambda: archive.answer("a")))
    await asyncio.sleep(0)
    archive.version = 2  # an ingest committed while the answer was being made
    assert cache.peek("a") is None
    archive.gate.set()
    await asked
    assert cache.peek("a") is None
    assert await cache.get("a", lambda: archive.answer("a")) == "a@2"


async def test_the_least_recently_used_answer_goes_first(archive: Archive) -> None:
    cache: AnswerCache[str, str] = AnswerCache(archive.current, size=2)
    for key in ("a", "b", "a", "c"):
        await cache.get(key, lambda key=key: archive.answer(key))  # type: ignore[misc]
    assert cache.peek("b") is None
    assert (cache.peek("a"), cache.peek("c"), len(cache)) == ("a@1", "c@1", 2)


async def test_without_a_version_to_trust_nothing_is_kept(archive: Archive) -> None:
    versions = iter(range(1_000))
    cache: AnswerCache[str, str] = AnswerCache(lambda: next(versions), size=8)
    await cache.get("a", lambda: archive.answer("a"))
    await cache.get("a", lambda: archive.answer("a"))
    assert archive.runs == 2 and cache.peek("a") is None
