"""What the worker's core tests share: an archive with the example day, a worker, a plan.

Plain helpers, not fixtures: each test module says which store and clock it uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from bot.core.archive.ingest import ingest_file
from bot.core.cards.card import Card, card_from_paper
from bot.core.delivery.outbox import RowState
from bot.core.delivery.poster import PostKey
from bot.core.delivery.worker import Worker
from bot.storage.sqlite.store import Store
from digest_parser import parse_digest_file
from tests.conftest import EXAMPLES
from tests.fakes.memory_poster import MemoryPoster

__all__ = [
    "ALL",
    "DAY",
    "EXAMPLE",
    "PAPERS",
    "card",
    "eventually",
    "failures",
    "key",
    "open_archive",
    "plan",
    "states",
    "worker_for",
]

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
DAY = dt.date(2026, 1, 5)
PAPERS = ["2601.01234", "2601.02345", "2601.03456"]
ALL = ["header", *PAPERS]


@contextlib.asynccontextmanager
async def open_archive(folder: Path) -> AsyncIterator[Store]:
    """A real store in ``folder`` holding the example digest of :data:`DAY`."""
    async with Store.open(folder / "w.db") as store:
        assert (await ingest_file(store, EXAMPLE)).result is not None
        yield store


def worker_for(store: Store, poster: MemoryPoster, clock: Any, **options: Any) -> Worker:
    """A worker posting to ``memory`` through ``poster``, with a seeded random for jitter."""
    return Worker(store, {"memory": poster}, clock, rng=random.Random(7), **options)


async def plan(worker: Worker, channel: str = "C1", papers: list[str] = PAPERS, **kw: Any) -> None:
    """Plan the example day (or ``papers`` of it) for one memory channel."""
    await worker.outbox.plan("memory", channel, DAY, papers, **kw)


async def states(worker: Worker, channel: str = "C1") -> list[RowState]:
    """The day's row states in digest order: the header first."""
    found = await worker.outbox.states("memory", channel, DAY)
    return [found[p] for p in sorted(found, key=lambda p: (p != "header", p))]


async def failures(worker: Worker) -> list[tuple[str, str, str]]:
    """(date, paper, reason) of every failed row."""
    return [f for status in await worker.outbox.status() for f in status.failed]


def key(paper: str, channel: str = "C1") -> PostKey:
    """The post key of one message of the example day."""
    return PostKey(channel, DAY.isoformat(), paper)


def card(n: int) -> Card:
    """The example day's card number ``n + 1``."""
    paper = parse_digest_file(EXAMPLE).papers[n]
    return card_from_paper(paper, date=DAY, position=n + 1, total=len(PAPERS))


async def eventually(check: Callable[[], bool], what: str) -> None:
    """Let the loop run (I/O included) until ``check()``; fail after 10 real seconds."""
    for _ in range(1000):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no sign of {what}")
