"""What the benchmarks share: the real digests, the 100,000-entry archive, timing and percentiles.

The archive is built by ``benchmarks/store.py``'s rule (its ``build``: the real entries
re-ingested under generated ids and dates, 26 a day), imported from there so that every
benchmark measures the same archive. Scripts in this folder import this module by name (the
folder is on ``sys.path`` when one of them runs).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from bot.core.cards.card import Card, card_from_paper
from bot.storage.sqlite.store import Store
from digest_parser import Paper, parse_digest_file

__all__ = [
    "DEFAULT_DIGESTS",
    "PATTERN",
    "ScaledClock",
    "build_archive",
    "per_call_us",
    "percentile",
    "real_cards",
    "real_papers",
]

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_DIGESTS: Final = ROOT.parent / "shared" / "digests"
PATTERN: Final = "hf-daily-papers-*.md"
BATCH_TARGET_NS: Final = 20_000_000  # one timed batch lasts at least 20 ms


class ScaledClock:
    """A :class:`bot.core.clock.Clock` whose seconds last ``scale`` real seconds.

    ``now()`` equals the real epoch time at ``anchor`` (default: when it is made) and runs
    ``1 / scale`` times faster from there, so stored times stay plausible; ``sleep(s)`` sleeps
    ``s × scale`` real seconds. Processes given the same ``anchor`` and ``scale`` read the same
    time (it is computed from the wall clock), so their leases and due times agree.
    """

    def __init__(self, scale: float, *, anchor: float | None = None) -> None:
        self.scale = scale
        self.anchor = time.time() if anchor is None else anchor

    def now(self) -> float:
        """Platform seconds since the epoch."""
        return self.anchor + (time.time() - self.anchor) / self.scale

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` platform seconds."""
        await asyncio.sleep(max(0.0, seconds) * self.scale)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile by nearest rank (no interpolation: a value that was measured)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def per_call_us(work: Callable[[], object], repeat: int) -> float:
    """Median microseconds per call over ``repeat`` calibrated batches, as ``timeit`` does.

    Warmed up once; the loop count doubles until a batch lasts :data:`BATCH_TARGET_NS`; the
    garbage collector is off while timing.
    """
    work()
    loops = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(loops):
            work()
        if time.perf_counter_ns() - start >= BATCH_TARGET_NS:
            break
        loops *= 2
    batches = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter_ns()
            for _ in range(loops):
                work()
            batches.append((time.perf_counter_ns() - start) / loops / 1e3)
    finally:
        gc.enable()
    return statistics.median(batches)


def real_papers(folder: Path) -> list[Paper]:
    """Every entry of every real digest, in file order."""
    return [p for path in sorted(folder.glob(PATTERN)) for p in parse_digest_file(path).papers]


def real_cards(folder: Path) -> list[Card]:
    """A card for every entry of every real digest, as posted."""
    cards = []
    for path in sorted(folder.glob(PATTERN)):
        digest = parse_digest_file(path)
        total = len(digest.papers)
        cards += [
            card_from_paper(p, date=digest.date, position=i, total=total)
            for i, p in enumerate(digest.papers, 1)
        ]
    return cards


async def build_archive(store: Store, folder: Path, entries: int) -> list[str]:
    """Ingest ``entries`` entries by ``benchmarks/store.py``'s rule; every arXiv id, sorted."""
    from store import build  # benchmarks/store.py (imported here: it imports this module)

    ids: set[str] = set()
    start, count = time.perf_counter(), 0
    for n, digest in enumerate(build(real_papers(folder), entries)):
        digest_hash = hashlib.sha256(f"{digest.date}".encode()).hexdigest()
        count += (await store.ingest(digest, content_hash=digest_hash)).papers
        ids.update(p.arxiv_id for p in digest.papers)
        if n % 1000 == 0:
            print(f"  ingested {count:,} entries", flush=True)
    await store.indexed()  # the lookups measured next run on a complete search index
    print(f"  archive built: {count:,} entries in {time.perf_counter() - start:.0f} s", flush=True)
    return sorted(ids)
