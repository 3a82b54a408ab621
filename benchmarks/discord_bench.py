"""Benchmark the Discord adapter: embeds per real entry, and interaction round trips at scale.

(Named ``discord_bench.py``, not ``discord.py``: a script of that name would shadow the library.)

Issue #6 asks for microseconds per embed for every real entry, and the interaction round trip
(INTERACTION_CREATE to callback) p50/p99 with 50 concurrent commands over a 100,000-entry
archive, p99 under 100 ms. This script measures exactly that:

* **embeds** -- for every entry of every real digest in ``../shared/digests``: ``card_embed``
  (Markdown rendered, every section fitted to Discord's limits) and the whole message body
  (``card_embed`` + ``card_view`` + ``to_dict``/``to_components``, what discord.py sends),
  both with the render cache emptied before each call, and ``card_embed`` again with the
  card's bodies already rendered. Each is warmed up, a loop count is calibrated so that one
  batch lasts at least 20 ms, and the median of ``--repeat`` batches (garbage collector off,
  as ``timeit`` does) is reported.
* **round trip** -- the real :class:`~bot.discord.client.PaperBot`, in its own process,
  connected to the loopback fake of Discord (``tests/fakes``, in this process) over a real
  :class:`~bot.core.store.Store`. The archive is built by ``benchmarks/store.py``'s rule (the
  real entries re-ingested under generated ids and dates, 26 a day), so both benchmarks
  measure the same archive. Rounds of ``--crowd`` commands (a mix of ``/paper``,
  ``/paper`` with a section, ``/section``, ``/digest``, ``/paper-search`` and autocomplete,
  on random papers of the whole archive) are dispatched at once; each is timed from the moment
  the fake sends its INTERACTION_CREATE to the moment it has stored the bot's callback. Two
  scenarios: **cold**, the bot's render cache emptied before every round (50 cards nobody
  has seen: every section body parsed), and **warm**, every round sent once unmeasured first
  (the usual case: today's cards were rendered when they were posted). The bot's CPU per
  command is read from its process, so a busy machine shows as latency, not as bot cost.
  ``/paper-search`` defers at once (full-text search may take a moment), so its round trip is
  the defer; the time to its answer (the followup) is reported on its own row. The harness
  (the bot's process, the rounds) is ``benchmarks/discord_crowd.py``.

Run ``python benchmarks/discord_bench.py`` (the archive build takes about two minutes at
100,000 entries), ``--entries 10000`` for a quick look, or ``--db FILE`` to reuse an archive
``benchmarks/store.py --db FILE --keep`` built. Exit status 0 whatever the timings; 2 when the
real digests are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Final

from discord_crowd import Command, cold_and_warm, percentile  # puts the repo on sys.path

from bot.core.cards import Card, card_from_paper
from bot.core.lookup import Lookup
from bot.core.store import Store
from bot.discord.render import card_embed, clear_render_cache
from bot.discord.responder import DEFER_AFTER
from bot.discord.views import card_view
from digest_parser import Digest, Paper, SectionKey, parse_digest_file

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_DIGESTS: Final = ROOT.parent / "shared" / "digests"
PATTERN: Final = "hf-daily-papers-*.md"
PER_DAY: Final = 26  # as benchmarks/store.py: 100,000 entries in ~3,850 digests
REPEAT_SHARE: Final = 0.1  # entries that repeat a paper from the day before
LAST_DAY: Final = dt.date(2025, 5, 27)
BATCH_TARGET_NS: Final = 20_000_000
QUERIES: Final = ("강화 학습", "diffusion", "모델", "reasoning", "에이전트")


# -- embeds ----------------------------------------------------------------------------------


def real_cards(folder: Path) -> list[Card]:
    cards = []
    for path in sorted(folder.glob(PATTERN)):
        digest = parse_digest_file(path)
        total = len(digest.papers)
        cards += [
            card_from_paper(p, date=digest.date, position=i, total=total)
            for i, p in enumerate(digest.papers, 1)
        ]
    return cards


def per_call_us(work: Callable[[], object], repeat: int) -> float:
    """Median microseconds per call over ``repeat`` calibrated batches."""
    work()
    loops, elapsed = 1, 0
    while True:
        start = time.perf_counter_ns()
        for _ in range(loops):
            work()
        elapsed = time.perf_counter_ns() - start
        if elapsed >= BATCH_TARGET_NS:
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


def cold(render: Callable[[Card], object], card: Card) -> object:
    """``render(card)`` with nothing cached: the first time anyone sees this card."""
    clear_render_cache()
    return render(card)


def message_body(card: Card) -> dict[str, Any]:
    return {"embeds": [card_embed(card).to_dict()], "components": card_view(card).to_components()}


def bench_embeds(cards: list[Card], repeat: int) -> None:
    embed_us = [per_call_us(partial(cold, card_embed, c), repeat) for c in cards]
    body_us = [per_call_us(partial(cold, message_body, c), repeat) for c in cards]
    warm_us = [per_call_us(partial(card_embed, c), repeat) for c in cards]
    slowest = max(range(len(cards)), key=embed_us.__getitem__)
    sizes = [sum(len(s.body) for s in c.sections) + len(c.note) for c in cards]
    print(f"\nembeds: {len(cards)} real entries, median of {repeat} batches each (µs)")
    print(f"{'':<28} {'median':>8} {'mean':>8} {'p99':>8} {'max':>8}")
    rows = (
        ("card_embed, cold", embed_us),
        ("whole message body, cold", body_us),
        ("card_embed, bodies cached", warm_us),
    )
    for name, values in rows:
        print(
            f"{name:<28} {statistics.median(values):>8.0f} {statistics.mean(values):>8.0f} "
            f"{percentile(values, 99):>8.0f} {max(values):>8.0f}"
        )
    print(
        f"slowest entry: {cards[slowest].arxiv_id} ({sizes[slowest]:,} characters of summary) "
        f"{embed_us[slowest]:,.0f} µs; all {len(cards)} together "
        f"{sum(embed_us) / 1e3:,.1f} ms"
    )


# -- round trips -----------------------------------------------------------------------------


def generated_digests(papers: list[Paper], entries: int) -> Iterator[Digest]:
    """Digests oldest first holding ``entries`` entries, built as ``benchmarks/store.py`` does.

    The real entries re-ingested round-robin under generated ids and dates, 26 a day, one in
    ten repeating a paper of the day before; same rule and seed, so both benchmarks measure the
    same archive (that script's ``build`` is not imported: a broken import there would stop
    this one).
    """
    days = -(-entries // PER_DAY)
    sizes = [entries - PER_DAY * (days - 1)] + [PER_DAY] * (days - 1)
    rng, serial, previous, made = random.Random(4), dict[str, int](), list[Paper](), 0
    for n, size in enumerate(sizes):
        day = LAST_DAY - dt.timedelta(days=days - 1 - n)
        todays: list[Paper] = []
        while len(todays) < size:
            source = papers[(made + len(todays)) % len(papers)]
            if previous and rng.random() < REPEAT_SHARE:
                arxiv_id = rng.choice(previous).arxiv_id
                if any(p.arxiv_id == arxiv_id for p in todays):
                    continue
            else:
                serial[f"{day:%y%m}"] = serial.get(f"{day:%y%m}", 0) + 1
                arxiv_id = f"{day:%y%m}.{serial[f'{day:%y%m}']:05d}"
            todays.append(source.model_copy(update={"arxiv_id": arxiv_id}))
        made, previous = made + len(todays), todays
        yield Digest(date=day, source=f"generated-{day}.md", papers=tuple(todays))


def real_papers(folder: Path) -> list[Paper]:
    """Every entry of every real digest, in file order."""
    return [p for path in sorted(folder.glob(PATTERN)) for p in parse_digest_file(path).papers]


async def build_archive(store: Store, folder: Path, entries: int) -> list[str]:
    papers = real_papers(folder)
    ids: set[str] = set()
    start, count = time.perf_counter(), 0
    for n, digest in enumerate(generated_digests(papers, entries)):
        digest_hash = hashlib.sha256(f"{digest.date}".encode()).hexdigest()
        count += (await store.ingest(digest, content_hash=digest_hash)).papers
        ids.update(p.arxiv_id for p in digest.papers)
        if n % 1000 == 0:
            print(f"  ingested {count:,} entries", flush=True)
    print(f"  archive built: {count:,} entries in {time.perf_counter() - start:.0f} s")
    return sorted(ids)


def commands(ids: list[str], newest: list[str], rng: random.Random) -> list[Command]:
    """10,000 commands, shuffled: 4 in 10 ``/paper``, 1 in 10 each of the other kinds."""
    keys = [k.value for k in SectionKey.ordered()]
    kinds: list[Callable[[], Command]] = [
        lambda: ("/paper", ("paper", {"ref": rng.choice(ids)}), ""),
        lambda: ("/paper", ("paper", {"ref": rng.choice(ids)}), ""),
        lambda: ("/paper", ("paper", {"ref": rng.choice(ids)}), ""),
        lambda: ("/paper", ("paper", {"ref": rng.choice(ids)}), ""),
        lambda: (
            "/paper + section",
            ("paper", {"ref": rng.choice(ids), "section": rng.choice(keys)}),
            "",
        ),
        lambda: (
            "/section of a paper",
            ("section", {"name": rng.choice(keys), "paper": rng.choice(newest)}),
            "",
        ),
        lambda: ("/section (page)", ("section", {"name": rng.choice(keys)}), ""),
        lambda: ("/digest", ("digest", {}), ""),
        lambda: ("/paper-search", ("paper-search", {"query": rng.choice(QUERIES)}), ""),
        lambda: (
            "autocomplete ref",
            ("paper", {"ref": rng.choice(ids)[: rng.randint(2, 8)]}),
            "ref",
        ),
    ]
    mix = [kinds[n % len(kinds)]() for n in range(10_000)]
    rng.shuffle(mix)
    return mix


async def bench_round_trips(db: Path, ids: list[str], newest: list[str], args: Any) -> None:
    crowd, rounds = args.crowd, args.rounds
    mix = [m for m in commands(ids, newest, random.Random(6)) if args.only in (None, m[0])]
    cold, warm = await cold_and_warm(
        db, mix, crowd=crowd, rounds=rounds, defer_after=args.defer_after
    )
    what = f"round trip, INTERACTION_CREATE → callback, {crowd} at once (ms)"
    cold.report(f"{what}\ncold: the bot's render cache emptied before every round")
    warm.report(f"{what}\nwarm: every card in the crowd rendered once before")


async def build(args: argparse.Namespace, path: Path) -> tuple[list[str], list[str]]:
    """The archive (built, or reused with ``--db``): every id, and the newest digest's."""
    async with Store.open(path) as store:
        if args.db and await store.latest_date() is not None:
            ids = [s.value for s in await store.ids_between("", "\U0010ffff", limit=10**7)]
            print(f"  reusing {len(ids):,} papers")
        else:
            ids = await build_archive(store, Path(args.digests), args.entries)
        newest = [s.value for s in await Lookup(store).suggest("")]
    return ids, newest


async def run(args: argparse.Namespace, path: Path, cards: list[Card]) -> None:
    bench_embeds(cards, args.repeat)
    print(f"\narchive: {path}")
    ids, newest = await build(args, path)
    await bench_round_trips(path, ids, newest, args)


def main(args: argparse.Namespace) -> int:
    cards = real_cards(Path(args.digests))
    if not cards:
        print(f"no digests in {args.digests}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="paperbot-discord-bench-") as workdir:
        asyncio.run(run(args, Path(args.db) if args.db else Path(workdir) / "bench.db", cards))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000, help="archive entries to build")
    parser.add_argument("--rounds", type=int, default=40, help="rounds of concurrent commands")
    parser.add_argument("--crowd", type=int, default=50, help="commands per round")
    parser.add_argument("--only", help="one kind of command, e.g. '/paper' (default: the mix)")
    parser.add_argument(
        "--defer-after",
        type=float,
        default=DEFER_AFTER,
        help="the bot's defer threshold in seconds (0: defer every command first)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed batches per embed")
    parser.add_argument("--digests", default=str(DEFAULT_DIGESTS), help="real digests folder")
    parser.add_argument("--db", help="reuse (or build) this archive file instead of a temporary")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(parse_args()))
