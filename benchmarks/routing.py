"""Routing: planning 1,000 filtered channels at one minute, matching cost, listing pages.

Targets (issue #15), on the largest real digest (47 papers):

* planning 1,000 subscriptions with distinct filters that fall due at the same minute:
  ≤ 1 s on 2 cores. Measured as the scheduler does it: one ``Scheduler.run_due`` over a fresh
  SQLite archive holding the digest and Hugging Face metadata for every paper (fake upvotes,
  authors and keywords, so every rule has data), half the channels in digest mode;
* per-paper matching cost: ``select`` alone over a prepared ``Corpus``, per paper per channel;
* digest mode's message count per platform: the fewest the limits allow. Printed beside a
  lower bound no layout can beat. Discord: every line's text must appear in some message's
  content (2,000 characters) or embeds (6,000 across all of them), and each message's five
  menus open 125 papers at most. Slack: one message, as 47 lines fit its 50 blocks.

    python benchmarks/routing.py [--digests DIR] [--channels 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fakes (never bot/ itself)

from _common import DEFAULT_DIGESTS, PATTERN, per_call_us  # noqa: E402

from bot.core.archive.ingest import ingest_file  # noqa: E402
from bot.core.cards.listing import listing_item, pack  # noqa: E402
from bot.core.cards.paper_meta import PaperMeta  # noqa: E402
from bot.core.cards.text import neutralise_discord  # noqa: E402
from bot.core.daily.planner import Planner, Routing  # noqa: E402
from bot.core.daily.schedule import Scheduler  # noqa: E402
from bot.core.daily.slots import slot_on  # noqa: E402
from bot.core.daily.subscriptions import Subscription, Subscriptions  # noqa: E402
from bot.core.delivery.outbox import Outbox  # noqa: E402
from bot.core.routing.filters import Filters  # noqa: E402
from bot.core.routing.selection import Corpus, select  # noqa: E402
from bot.discord import listing as discord_listing  # noqa: E402
from bot.discord.limits import (  # noqa: E402
    CONTENT_MAX,
    EMBED_TOTAL_MAX,
    ROWS_PER_MESSAGE,
    SELECT_OPTIONS_MAX,
)
from bot.platforms import listing_fits  # noqa: E402
from bot.slack import listing as slack_listing  # noqa: E402
from bot.storage.sqlite.store import Store  # noqa: E402
from digest_parser import parse_digest_file  # noqa: E402
from tests.fakes.clock import FakeClock  # noqa: E402

SEOUL = ZoneInfo("Asia/Seoul")
TARGET_SECONDS = 1.0
_LATIN = re.compile(r"\b[A-Za-z][A-Za-z0-9-]{2,}\b")
_HANGUL = re.compile(r"[가-힣]{2,}(?: [가-힣]{2,})?")


def largest(folder: Path) -> Path:
    """The real digest with the most papers."""
    return max(sorted(folder.glob(PATTERN)), key=lambda p: len(parse_digest_file(p).papers))


def vocabulary(path: Path, rng: random.Random) -> tuple[list[str], list[str]]:
    """Frequent Latin words and Hangul words (and two-word phrases) of the digest."""
    text = path.read_text(encoding="utf-8")
    latin = [w for w, n in Counter(_LATIN.findall(text)).most_common(400) if n >= 2]
    hangul = [w for w, n in Counter(_HANGUL.findall(text)).most_common(400) if n >= 2]
    rng.shuffle(latin)
    rng.shuffle(hangul)
    return latin, hangul


def metadata(path: Path, rng: random.Random, words: list[str]) -> list[PaperMeta]:
    """Fake Hugging Face metadata for every paper: upvotes, three authors, keywords."""
    digest = parse_digest_file(path)
    return [
        PaperMeta(
            arxiv_id=paper.arxiv_id,
            upvotes=rng.randint(0, 120),
            authors=tuple(f"Author {rng.randint(1, 300)}" for _ in range(3)),
            keywords=tuple(rng.sample(words, 3)),
        )
        for paper in digest.papers
    ]


def filters_for(
    count: int, latin: list[str], hangul: list[str], rng: random.Random
) -> list[tuple[Filters, str]]:
    """``count`` distinct filter settings mixing every rule."""
    made: dict[str, tuple[Filters, str]] = {}
    while len(made) < count:
        words = latin + hangul
        filters = Filters.build(
            include=rng.sample(words, rng.randint(0, 3)),
            exclude=rng.sample(words, rng.randint(0, 2)),
            authors=[f"Author {rng.randint(1, 300)}"] if rng.random() < 0.2 else [],
            min_upvotes=rng.choice([None, None, 5, 20]),
            top=rng.choice([None, None, 5, 10]),
        )
        made.setdefault(filters.to_json(), (filters, rng.choice(["cards", "digest"])))
    return list(made.values())


async def plan_once(path: Path, channels: int, seed: int) -> tuple[float, int, int]:
    """Seconds for one scheduler pass planning ``channels`` filtered subscriptions; rows."""
    rng = random.Random(seed)
    latin, hangul = vocabulary(path, rng)
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        async with Store.open(Path(folder) / "routing.db") as store:
            done = await ingest_file(store, path)
            assert done.digest is not None and done.digest.date is not None
            day = done.digest.date
            clock.time = slot_on(day - dt.timedelta(days=1), dt.time(8), SEOUL).at  # subscribed
            await store.metadata.save(metadata(path, rng, latin[:40]))
            subscriptions = Subscriptions(store, clock)
            settings = filters_for(channels, latin[:120], hangul[:120], rng)
            for n, (filters, mode) in enumerate(settings):
                platform, channel = (
                    ("slack", f"C{n:010d}") if n % 2 else ("discord", str(10**17 + n))
                )
                await subscriptions.add(platform, channel, time="08:00", filters=filters, mode=mode)

            async def nothing(sub: Subscription, day: object) -> None:
                return None

            scheduler = Scheduler(store, subscriptions, clock, nothing, fits=listing_fits)
            clock.time = slot_on(day, dt.time(8), SEOUL).at + 1
            start = time.perf_counter()
            await scheduler.run_due()
            elapsed = time.perf_counter() - start
            ((rows,),) = await store.query("SELECT count(*) FROM outbox")
            ((left,),) = await store.query("SELECT count(*) FROM filtered_days")
    return elapsed, int(rows), int(left)


async def matching(path: Path, channels: int, seed: int) -> dict[str, float]:
    """Corpus build, ``select`` and the whole layout, without the database."""
    rng = random.Random(seed)
    latin, hangul = vocabulary(path, rng)
    metas = {m.arxiv_id: m for m in metadata(path, rng, latin[:40])}
    settings = filters_for(channels, latin[:120], hangul[:120], rng)
    with tempfile.TemporaryDirectory() as folder:
        async with Store.open(Path(folder) / "m.db") as store:
            done = await ingest_file(store, path)
            assert done.digest is not None and done.digest.date is not None
            day = done.digest.date
            await store.metadata.save(list(metas.values()))
            corpus = await Planner(store, Outbox(store, FakeClock())).corpus(day, day)
            entries = corpus.entries
    papers = len(entries)
    build_us = per_call_us(lambda: Corpus(entries), 3)

    def select_all() -> None:
        fresh = Corpus(entries)  # term matches are memoised per corpus: start cold
        for filters, _ in settings:
            select(fresh, filters)

    def layout_all() -> None:
        fresh = Corpus(entries)
        planner.forget()
        for n, (filters, mode) in enumerate(settings):
            platform = "slack" if n % 2 else "discord"
            planner.layout(platform, str(n), fresh, Routing(filters, mode), day, day)

    planner = Planner(store, Outbox(store, FakeClock()), listing_fits)  # layout is pure
    select_us = per_call_us(select_all, 3)
    layout_us = per_call_us(layout_all, 3)
    return {
        "papers": papers,
        "corpus_ms": build_us / 1000,
        "select_ms": select_us / 1000,
        "select_us_per_paper": select_us / (channels * papers),
        "layout_ms": layout_us / 1000,
    }


def pages(path: Path) -> list[tuple[str, int, int]]:
    """Per platform: pages for the whole digest, and a lower bound from its limits."""
    digest = parse_digest_file(path)
    assert digest.date is not None
    items = [listing_item(p, digest.date, n) for n, p in enumerate(digest.papers, 1)]
    slack = len(pack(items, slack_listing.listing_fits()))
    # Discord counts code points (never more than the UTF-16 units our layout measures).
    text = sum(len(neutralise_discord(discord_listing.listing_line(i))) for i in items)
    room = CONTENT_MAX + EMBED_TOTAL_MAX
    discord_bound = max(
        math.ceil(text / room),  # as if no title, footer nor newline took any room
        math.ceil(len(items) / (ROWS_PER_MESSAGE * SELECT_OPTIONS_MAX)),
    )
    discord = len(pack(items, discord_listing.listing_fits()))
    print(f"  discord: {text:,} characters of lines; a message holds {room:,} (content + embeds)")
    return [("slack", slack, 1), ("discord", discord, discord_bound)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=Path, default=DEFAULT_DIGESTS)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = largest(args.digests)
    print(f"digest: {path.name} ({len(parse_digest_file(path).papers)} papers)")
    runs = [asyncio.run(plan_once(path, args.channels, seed)) for seed in range(args.repeat)]
    seconds = [elapsed for elapsed, _, _ in runs]
    median = statistics.median(seconds)
    rows, left = runs[0][1], runs[0][2]
    print(
        f"planning {args.channels} filtered channels at one minute: median {median:.3f} s "
        f"(runs: {', '.join(f'{s:.3f}' for s in seconds)}), {median / args.channels * 1000:.2f} "
        f"ms per channel; target ≤ {TARGET_SECONDS:.1f} s: {median / TARGET_SECONDS:.2f}x of it"
    )
    print(f"  planned {rows} outbox rows and {left} filtered days (first run)")
    cost = asyncio.run(matching(path, args.channels, 0))
    print(
        f"matching: corpus of {cost['papers']:.0f} papers built in {cost['corpus_ms']:.2f} ms; "
        f"select for {args.channels} channels {cost['select_ms']:.1f} ms "
        f"= {cost['select_us_per_paper']:.2f} µs per paper per channel (term matches cold); "
        f"whole layout incl. listing pages {cost['layout_ms']:.1f} ms"
    )
    for platform, count, bound in pages(path):
        verdict = "the minimum" if count == bound else f"lower bound {bound}"
        print(f"digest mode, {platform}: {count} message(s) for the whole digest ({verdict})")


if __name__ == "__main__":
    main()
