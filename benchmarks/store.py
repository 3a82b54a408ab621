"""Benchmark the paper archive and the lookups at the size of years of digests.

Issue #4 asks, at 100,000 paper entries: ingest at least 5,000 papers/s; p99 at most 5 ms for
``paper``, ``section`` and ``suggest`` and at most 50 ms for ``search`` at concurrency 1; and
all of 50 concurrent lookups answered while an ingest writes. This script measures exactly
that, through the public API (:class:`~bot.core.archive.lookup.Lookup` over the store
:func:`bot.storage.open_store` opens) that the chat commands call.

Issue #17 asks for the same figures on PostgreSQL in the same run: ``--backend both`` (the
default) builds the same archive the same way on each backend, times the same calls, and ends
with a PostgreSQL / SQLite table, one ratio per figure. PostgreSQL is a throw-away cluster
(``benchmarks/_postgres.py``: ``tests/postgres_cluster.py`` with durability like SQLite's WAL)
or the server ``PAPERBOT_DATABASE_URL`` names. What only SQLite has stays labelled so: the
separate index stage, the index lag, the stdlib ``sqlite3`` floor.

On SQLite, ingest has two stages since schema v4 (:mod:`bot.storage.sqlite.indexer`), so three
figures are printed (PostgreSQL writes its pg_trgm indexes with the rows: write is its one
figure, end to end):

* write: ``Store.ingest`` calls, which archive the papers and return. Every lookup sees them
  at once, search too (it reads digests not yet indexed with ``LIKE``). The 5,000 papers/s
  target is checked against this figure, and the script says so.
* index: ``Store.indexed()`` bringing the trigram FTS5 index up to date (the background
  indexer does the same work once ingests pause).
* end to end: write plus index, until search is served from the index for every paper.

How the archive is built: the real digests in ``../shared/digests`` are parsed, and their 113
entries are re-ingested round-robin under generated ids and dates: ~26 papers a day, one
digest per day going back ~10.5 years, oldest first as a daily job would. About one entry in
ten repeats a paper of the previous day (same id, new date), as real digests do. Only
``Store.ingest`` and ``Store.indexed`` are timed, not building the digests.

How lookups are timed: each kind runs ``--samples`` times with varied arguments (random known
ids, all seven sections, id prefixes and title words); each call is timed alone
(``perf_counter_ns``). At concurrency 50, rounds of 50 calls are started together with
``asyncio.gather`` and each call is timed from the round's start to its own answer, which
is the latency a user waiting in that crowd sees. The floor is the same ``paper`` statement
run with the standard library's synchronous ``sqlite3`` (no thread hop, no records built).

Run ``python benchmarks/store.py`` (SQLite about 1.5 minutes at 100k on 2 cores; PostgreSQL
longer: its ingest is slower; ``--row-seconds`` caps each lookup row, saying how many calls
ran, in case a search plan goes bad), ``--backend sqlite`` for one backend, or ``--entries
10000`` for a quick look.
Exit status 0 whatever the timings; 2 when the real digests are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import random
import resource
import sqlite3
import sys
import tempfile
import time
from argparse import Namespace
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final

from _common import percentile, real_papers  # benchmarks/_common.py
from _postgres import postgres_server  # benchmarks/_postgres.py

from bot.core.archive.lookup import Lookup, NotFound
from bot.storage import open_store
from bot.storage.protocol import Storage
from bot.storage.sqlite.store_sql import PAPER_SQL  # the floor runs our exact statement
from digest_parser import Digest, Paper, SectionKey

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_DIGESTS: Final = ROOT.parent / "shared" / "digests"
PER_DAY: Final = 26  # 100,000 entries in ~3,850 digests
REPEAT_SHARE: Final = 0.1  # entries that repeat a paper from the day before
LAST_DAY: Final = dt.date(2025, 5, 27)
TITLE_WORDS: Final = ("Reason", "Diffusion", "강화", "모델", "Agent", "Vision", "LLM")
TARGETS_MS: Final = {"paper": 5.0, "section": 5.0, "suggest": 5.0, "search": 50.0}
TARGET_INGEST: Final = 5_000

Call = Callable[[], Awaitable[object]]


def build(papers: list[Paper], entries: int) -> Iterator[Digest]:
    """Digests oldest first, holding ``entries`` entries in all, from the real papers.

    Every digest has :data:`PER_DAY` papers except the oldest, which takes the remainder.
    """
    days = -(-entries // PER_DAY)
    sizes = [entries - PER_DAY * (days - 1)] + [PER_DAY] * (days - 1)
    rng = random.Random(4)
    serial: dict[str, int] = {}
    previous: list[Paper] = []
    made = 0
    for n, size in enumerate(sizes):
        day = LAST_DAY - dt.timedelta(days=days - 1 - n)
        month = f"{day:%y%m}"
        todays: list[Paper] = []
        while len(todays) < size:
            source = papers[(made + len(todays)) % len(papers)]
            if previous and rng.random() < REPEAT_SHARE:
                arxiv_id = rng.choice(previous).arxiv_id
                if any(p.arxiv_id == arxiv_id for p in todays):
                    continue
            else:
                serial[month] = serial.get(month, 0) + 1
                arxiv_id = f"{month}.{serial[month]:05d}"
            todays.append(source.model_copy(update={"arxiv_id": arxiv_id}))
        made += len(todays)
        previous = todays
        yield Digest(date=day, source=f"generated-{day}.md", papers=tuple(todays))


async def timed(call: Call) -> float:
    start = time.perf_counter_ns()
    result = await call()
    if isinstance(result, NotFound):
        raise AssertionError(f"benchmark lookup missed: {result}")
    return (time.perf_counter_ns() - start) / 1e6


async def serial_ms(calls: list[Call], budget: float = float("inf")) -> list[float]:
    """Each call timed alone, until the calls or ``budget`` seconds run out."""
    times: list[float] = []
    deadline = time.monotonic() + budget
    for call in calls:
        times.append(await timed(call))
        if time.monotonic() > deadline:
            break
    return times


async def crowd_ms(calls: list[Call], crowd: int, budget: float = float("inf")) -> list[float]:
    """Rounds of ``crowd`` calls at once, until the calls or ``budget`` seconds run out."""
    times: list[float] = []
    deadline = time.monotonic() + budget
    for start in range(0, len(calls), crowd):
        times += await asyncio.gather(*(timed(c) for c in calls[start : start + crowd]))
        if time.monotonic() > deadline:
            break
    return times


def workloads(lookup: Lookup, ids: list[str], samples: int) -> dict[str, list[Call]]:
    rng = random.Random(7)
    keys = SectionKey.ordered()

    def paper() -> Call:
        ref = rng.choice(ids)
        return lambda: lookup.paper(ref)

    def section() -> Call:
        key = rng.choice(keys).value
        return lambda: lookup.section(key, page=rng.randint(1, 3))

    def suggest() -> Call:
        arxiv_id = rng.choice(ids)
        text = rng.choice(
            [arxiv_id[: rng.randint(2, len(arxiv_id))], rng.choice(TITLE_WORDS), "", "25"]
        )
        return lambda: lookup.suggest(text)

    def search(query: str) -> Callable[[], Call]:
        return lambda: lambda: lookup.search(query, limit=10, offset=rng.choice([0, 0, 0, 10]))

    makers = {
        "paper": paper,
        "section": section,
        "suggest": suggest,
        "search '강화 학습'": search("강화 학습"),
        "search 'reinforcement'": search("reinforcement"),
        "search 'RL' (<3 chars)": search("RL"),
    }
    return {name: [make() for _ in range(samples)] for name, make in makers.items()}


def floor_ms(path: Path, ids: list[str], samples: int) -> list[float]:
    """The ``paper`` statement through synchronous stdlib sqlite3: the cost of SQLite alone."""
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    times = []
    for _ in range(samples):
        arxiv_id = rng.choice(ids)
        start = time.perf_counter_ns()
        conn.execute(PAPER_SQL, (arxiv_id, None)).fetchall()
        times.append((time.perf_counter_ns() - start) / 1e6)
    conn.close()
    return times


@dataclass(frozen=True)
class Busy:
    """50 lookups fired while a 5,000-paper digest is written."""

    times: list[float]
    papers: int
    started_during: bool
    finished_during: bool

    def __str__(self) -> str:
        return (
            f"{len(self.times)}/50 answered; ingest of {self.papers:,} papers "
            f"{'still running' if self.finished_during else 'DONE'} when the last answered "
            f"(started {'during' if self.started_during else 'AFTER'} the write); "
            f"p50 {percentile(self.times, 50):.1f} ms, max {max(self.times):.1f} ms"
        )


async def during_ingest(store: Storage, work: dict[str, list[Call]]) -> Busy:
    """50 mixed lookups fired while a large digest (5,000 papers) is being written."""
    ids = [f"9912.{n:05d}" for n in range(5_000)]
    newest = await store.newest_papers(limit=1)
    source = await store.paper(newest[0].value)
    assert source is not None
    big = Digest(
        date=LAST_DAY + dt.timedelta(days=1),
        papers=tuple(source.paper.model_copy(update={"arxiv_id": i}) for i in ids),
    )
    mixed = [calls[n] for n in range(10) for calls in work.values()][:50]
    writing = asyncio.create_task(store.ingest(big, content_hash="during"))
    await asyncio.sleep(0.05)
    started_while_writing = not writing.done()
    times = await asyncio.gather(*(timed(c) for c in mixed))
    finished_while_writing = not writing.done()
    result = await writing
    return Busy(list(times), result.papers, started_while_writing, finished_while_writing)


@dataclass
class Measured:
    """One backend's figures: ingest stages, lookups at c=1 and c=50, the crowd during ingest."""

    backend: str
    written: int
    write_s: float
    indexed: int
    index_s: float
    one: dict[str, list[float]]
    many: dict[str, list[float]]
    busy: Busy
    ids: list[str]

    @property
    def write_rate(self) -> float:
        """Papers per second of ``ingest`` calls (PostgreSQL: indexing included)."""
        return self.written / self.write_s

    @property
    def end_to_end_rate(self) -> float:
        """Papers per second until every search runs on the index."""
        return self.written / (self.write_s + self.index_s)


def throughput(m: Measured) -> str:
    """The ingest figures, each saying what it counts and which one the target judges."""
    verdict = "PASS" if m.write_rate >= TARGET_INGEST else "FAIL"
    total_s = m.write_s + m.index_s
    lines = (
        f"ingest, write       {m.written:>8,} papers {m.write_s:6.1f} s {m.write_rate:>8,.0f} "
        f"papers/s   target ≥ {TARGET_INGEST:,}: {verdict} (the figure issue #4 judges)"
    )
    if m.backend == "postgres":
        return lines + (
            "\n  write: ingest archived them and updated their pg_trgm GIN indexes in the same\n"
            "  transaction: PostgreSQL has no separate index stage, so write is end to end."
        )
    return lines + (
        f"\ningest, index       {m.indexed:>8,} papers {m.index_s:6.1f} s "
        f"{m.indexed / m.index_s:>8,.0f} papers/s   (SQLite only; no target of its own)\n"
        f"ingest, end to end  {m.written:>8,} papers {total_s:6.1f} s "
        f"{m.end_to_end_rate:>8,.0f} papers/s   (no target of its own)\n"
        "  write: Store.ingest archived them; every lookup sees them at once, search too (by\n"
        "  LIKE until indexed). index: Store.indexed built their trigram FTS5 index. end to\n"
        "  end: both, until every search runs on the index."
    )


async def search_while_lagging(path: Path, papers: list[Paper], samples: int) -> str:
    """``search`` at c=1 while the newest digest (26 papers) waits for the index (SQLite only)."""
    from bot.storage.sqlite.store import Store

    async with Store.open(path, background_index=False) as store:
        newest = await store.latest_date()
        assert newest is not None
        day = newest + dt.timedelta(days=1)
        fresh = tuple(
            p.model_copy(update={"arxiv_id": f"9911.{n:05d}"})
            for n, p in enumerate(papers[:PER_DAY])
        )
        await store.ingest(Digest(date=day, papers=fresh), content_hash=f"lag {day}")
        digests, waiting = await store.unindexed()
        lookup = Lookup(store)
        rows = []
        for query in ("강화 학습", "reinforcement"):
            calls: list[Call] = [partial(lookup.search, query, 10) for _ in range(samples)]
            await serial_ms(calls[:20])
            times = await serial_ms(calls)
            rows.append(
                f"search '{query}' p50 {percentile(times, 50):.2f} ms, "
                f"p99 {percentile(times, 99):.2f} ms"
            )
        await store.indexed()  # leave a kept --db file complete
        return f"{digests} digest(s), {waiting} papers unindexed; " + "; ".join(rows)


def row(name: str, one: list[float], many: list[float], target: float | None, samples: int) -> str:
    p99 = percentile(one, 99)
    verdict = "" if target is None else ("PASS" if p99 <= target else "FAIL")
    goal = "" if target is None else f"≤ {target:g} ms"
    cut = (
        f"  (--row-seconds: {len(one)} and {len(many)} of {samples} calls)"
        if min(len(one), len(many)) < samples
        else ""
    )
    return (
        f"{name:<24} {percentile(one, 50):>8.2f} {p99:>8.2f}   {percentile(many, 50):>8.2f} "
        f"{percentile(many, 99):>8.2f}   {goal:>8} {verdict}{cut}"
    )


async def measure(backend: str, location: str, papers: list[Paper], args: Namespace) -> Measured:
    """Build the archive at ``location`` and time ingest and lookups through the public API."""
    async with open_store(location) as store:
        ingest_s, count, ids = 0.0, 0, set[str]()
        for n, digest in enumerate(build(papers, args.entries)):
            digest_hash = hashlib.sha256(f"{digest.date}".encode()).hexdigest()
            start = time.perf_counter()
            result = await store.ingest(digest, content_hash=digest_hash)
            ingest_s += time.perf_counter() - start
            count += result.papers
            ids.update(p.arxiv_id for p in digest.papers)
            if n % 500 == 0:
                print(f"  written {count:,} papers ({count / ingest_s:,.0f}/s)", flush=True)
        waiting = (await store.unindexed())[1]
        if backend == "sqlite":
            print(f"  indexing {waiting:,} papers for search", flush=True)
        start = time.perf_counter()
        await store.indexed()  # PostgreSQL: nothing waits (its indexes are written with rows)
        index_s = time.perf_counter() - start
        lookup = Lookup(store)
        work = workloads(lookup, sorted(ids), args.samples)
        for calls in work.values():  # warm the page cache and statement caches
            await serial_ms(calls[:20])
        budget = args.row_seconds
        one = {name: await serial_ms(calls, budget) for name, calls in work.items()}
        many = {name: await crowd_ms(calls, args.crowd, budget) for name, calls in work.items()}
        busy = await during_ingest(store, work)
    return Measured(backend, count, ingest_s, waiting, index_s, one, many, busy, sorted(ids))


def print_measured(m: Measured, samples: int) -> None:
    """One backend's ingest figures and lookup table."""
    print(throughput(m))
    print(
        f"\n{'lookup (ms)':<24} {'c=1 p50':>8} {'c=1 p99':>8}   {'c=50 p50':>8} {'c=50 p99':>8}"
        f"   {'target':>8}"
    )
    for name in m.one:
        target = TARGETS_MS.get(name.split(" ")[0])
        print(row(name, m.one[name], m.many[name], target, samples))


def postgres_size(url: str) -> int:
    """Bytes the database takes on the server."""
    import psycopg

    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(found[0]) if found else 0


async def run_sqlite(papers: list[Paper], args: Namespace) -> Measured:
    """SQLite: the shared figures, then the SQLite-only ones (index lag, stdlib floor, file)."""
    workdir = Path(tempfile.mkdtemp(prefix="paperbot-bench-")) if args.db is None else None
    path = Path(args.db) if args.db else workdir / "bench.db"  # type: ignore[operator]
    print(f"\n=== SQLite: {path}  ({args.entries:,} entries from {len(papers)} real ones)")
    m = await measure("sqlite", str(path), papers, args)
    lagging = await search_while_lagging(path, papers, args.samples)
    floor = floor_ms(path, m.ids, args.samples)
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    print_measured(m, args.samples)
    ratio = percentile(m.one["paper"], 50) / percentile(floor, 50)
    print(
        f"{'floor: stdlib sqlite3':<24} {percentile(floor, 50):>8.2f} "
        f"{percentile(floor, 99):>8.2f}   (SQLite only: paper p50 is {ratio:.1f}x the floor)"
    )
    print(f"\nwhile an ingest writes: {m.busy}")
    print(f"while the index lags one digest behind (SQLite only): {lagging}")
    print(f"database: {size / 1e6:,.0f} MB; {args.samples} calls per row")
    if workdir is not None and not args.keep:
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()
    return m


async def run_postgres(papers: list[Paper], args: Namespace) -> Measured:
    """PostgreSQL: the same archive, the same timed calls, in a fresh database."""
    with postgres_server() as server:
        print(f"\n=== PostgreSQL: {server.describe}  ({args.entries:,} entries)")
        with server.fresh_database("store") as url:
            m = await measure("postgres", url, papers, args)
            size = postgres_size(url)
    print_measured(m, args.samples)
    print(f"\nwhile an ingest writes: {m.busy}")
    print(f"database: {size / 1e6:,.0f} MB; {args.samples} calls per row")
    return m


def compare(pg: Measured, lite: Measured) -> None:
    """PostgreSQL / SQLite for every figure both measured, in this run."""
    print("\n=== PostgreSQL / SQLite, measured in this run")
    print(f"{'figure':<40} {'SQLite':>10} {'PostgreSQL':>11} {'PG/SQLite':>10}")

    def line(name: str, lite_value: float, pg_value: float, unit: str, better: str) -> None:
        ratio = pg_value / lite_value if lite_value else float("inf")
        print(f"{name:<40} {lite_value:>10.2f} {pg_value:>11.2f} {ratio:>9.2f}x  {unit}, {better}")

    line("ingest, write (papers/s)", lite.write_rate, pg.write_rate, "papers/s", "higher is better")
    line("ingest, end to end (papers/s)", lite.end_to_end_rate, pg.end_to_end_rate, "papers/s",
         "higher is better")  # fmt: skip
    for name in lite.one:
        for crowd, got in (("c=1", "one"), ("c=50", "many")):
            for q in (50, 99):
                a, b = getattr(lite, got)[name], getattr(pg, got)[name]
                line(f"{name} {crowd} p{q}", percentile(a, q), percentile(b, q), "ms",
                     "lower is better")  # fmt: skip
    line("during ingest p50", percentile(lite.busy.times, 50), percentile(pg.busy.times, 50),
         "ms", "lower is better")  # fmt: skip
    line("during ingest max", max(lite.busy.times), max(pg.busy.times), "ms", "lower is better")


async def main(args: Namespace) -> int:
    papers = real_papers(Path(args.digests))
    if not papers:
        print(f"no digests in {args.digests}", file=sys.stderr)
        return 2
    measured: dict[str, Measured] = {}
    if args.backend in ("sqlite", "both"):
        measured["sqlite"] = await run_sqlite(papers, args)
    if args.backend in ("postgres", "both"):
        measured["postgres"] = await run_postgres(papers, args)
    if len(measured) == 2:
        compare(measured["postgres"], measured["sqlite"])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process (all backends run): {rss:,.0f} MB")
    return 0


def parse_args(argv: list[str] | None = None) -> Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000, help="paper entries to build")
    parser.add_argument("--samples", type=int, default=500, help="calls per lookup row")
    parser.add_argument("--crowd", type=int, default=50, help="concurrent lookups per round")
    parser.add_argument(
        "--row-seconds",
        type=float,
        default=30.0,
        help="stop a lookup row's calls after this long (its line says how many ran)",
    )
    parser.add_argument("--digests", default=str(DEFAULT_DIGESTS), help="real digests folder")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgres", "both"), default="both",
        help="which storage to measure (default: both, compared in one run)",
    )  # fmt: skip
    parser.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
