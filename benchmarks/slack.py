"""Benchmark the Slack adapter: Block Kit per real entry, and slash-command acks at scale.

Issue #5 asks for microseconds per card to render every real entry to Block Kit, and the
slash-command round trip (signed request to ack) p50/p99 with 50 concurrent requests over a
100,000-entry archive, p99 under 100 ms. This script measures exactly that:

* **cards** -- for every entry of every real digest in ``../shared/digests``: ``card_message``
  (Markdown rendered to mrkdwn, every section fitted to Slack's limits, blocks, metadata), and
  for comparison ``section_messages`` of the entry's longest section, both with the mrkdwn
  cache emptied before each call (cold), and ``card_message`` again with the card's bodies
  already rendered (every channel after the first in a fan-out). Each is warmed up, a loop
  count is calibrated so one batch lasts at least 20 ms, and the median of ``--repeat``
  batches (garbage collector off, as ``timeit`` does) is reported.
* **round trip** -- the real Bolt app with paperbot's listeners (``build_bolt_app``) served by
  aiohttp on 127.0.0.1, over a real :class:`~bot.storage.sqlite.store.Store` built with
  ``benchmarks/store.py``'s own builder (the real entries re-ingested under generated ids and
  dates, 26 a day). Rounds of ``--crowd`` requests (a mix of ``/paper``, ``/paper`` with a
  section, ``/section`` with and without a paper, ``/digest`` and ``/paper-search``), each
  signed like Slack signs it, are sent at once; the **ack** is timed from just before the POST
  to its HTTP 200, the **answer** from the same moment to the arrival of the ephemeral reply at
  the fake ``response_url``. The fake Slack API and the client run in the same process and
  event loop as the app, so their work is inside the figures: an upper bound on the app's.

Run ``python benchmarks/slack.py`` (building 100,000 entries takes a minute or two),
``--entries 10000`` for a quick look, or ``--db FILE`` to reuse an archive built by
``benchmarks/store.py --db FILE --keep``. Exit status 0 whatever the timings; 2 when the real
digests are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path.pop(0)  # this file is named slack.py: never let it shadow the legacy `slack` package
sys.path.insert(0, str(ROOT))  # tests.fakes: the loopback Slack (never bot/ itself)
sys.path.append(str(ROOT / "benchmarks"))  # _common, after the installed packages

import aiohttp  # noqa: E402
from _common import (  # noqa: E402
    DEFAULT_DIGESTS,
    build_archive,
    per_call_us,
    percentile,
    real_cards,
)
from aiohttp import web  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.core.archive.lookup import Lookup  # noqa: E402
from bot.core.cards.card import Card  # noqa: E402
from bot.slack.app import build_bolt_app  # noqa: E402
from bot.slack.mrkdwn import to_mrkdwn  # noqa: E402
from bot.slack.render import card_message, section_messages  # noqa: E402
from bot.storage.sqlite.store import Store  # noqa: E402
from digest_parser import SectionKey  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.fakes.slack_requests import signed_headers, slash_command_body  # noqa: E402

TARGET_ACK_MS: Final = 100.0
SECRET: Final = "benchmark-signing-secret"
QUERIES: Final = ("강화 학습", "reinforcement", "diffusion", "모델", "agent", "RL")


# -- cards -----------------------------------------------------------------------------------


def cold(render: Callable[..., object], *args: object) -> object:
    """``render(*args)`` with no rendered body cached: the first time anyone sees this card."""
    to_mrkdwn.cache_clear()
    return render(*args)


def bench_cards(cards: list[Card], repeat: int) -> None:
    card_us = [per_call_us(functools.partial(cold, card_message, c), repeat) for c in cards]
    longest = [max(c.sections, key=lambda s: len(s.body), default=None) for c in cards]
    section_us = [
        per_call_us(functools.partial(cold, section_messages, c, s), repeat)
        for c, s in zip(cards, longest, strict=True)
        if s is not None
    ]
    cached_us = [per_call_us(functools.partial(card_message, c), repeat) for c in cards]
    slowest = max(range(len(cards)), key=card_us.__getitem__)
    sizes = [sum(len(s.body) for s in c.sections) + len(c.note) for c in cards]
    print(f"\ncards: {len(cards)} real entries, median of {repeat} batches each (µs per card)")
    print(f"{'':<34} {'median':>8} {'mean':>8} {'p99':>8} {'max':>8}")
    for name, values in (
        ("card_message, cold", card_us),
        ("section_messages (longest), cold", section_us),
        ("card_message, bodies cached", cached_us),
    ):
        print(
            f"{name:<34} {statistics.median(values):>8.0f} {statistics.mean(values):>8.0f} "
            f"{percentile(values, 99):>8.0f} {max(values):>8.0f}"
        )
    print(
        f"slowest entry: {cards[slowest].arxiv_id} ({sizes[slowest]:,} characters of summary) "
        f"{card_us[slowest]:,.0f} µs; all {len(cards)} cards together "
        f"{sum(card_us) / 1e3:,.1f} ms"
    )


# -- round trips -----------------------------------------------------------------------------


def sample_ids(dates: list[dt.date] | tuple[dt.date, ...], count: int) -> list[str]:
    """Ids spread over the whole archive: the builder numbers papers per month from 00001."""
    rng = random.Random(3)
    months = sorted({f"{d:%y%m}" for d in dates})
    return [f"{rng.choice(months)}.{rng.randint(1, 600):05d}" for _ in range(count)]


def workload(ids: list[str], dates: list[str], count: int, seed: int = 5) -> list[tuple[str, str]]:
    """``count`` (command, text) pairs, mixed like a team's day of use."""
    rng = random.Random(seed)
    keys = [k.value for k in SectionKey.ordered()]
    makers: list[Callable[[], tuple[str, str]]] = [
        lambda: ("/paper", rng.choice(ids)),
        lambda: ("/paper", f"{rng.choice(ids)} {rng.choice(keys)}"),
        lambda: ("/section", rng.choice(keys)),
        lambda: ("/section", f"{rng.choice(keys)} {rng.choice(ids)}"),
        lambda: ("/digest", rng.choice(["", rng.choice(dates)])),
        lambda: ("/paper-search", rng.choice(QUERIES)),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def answered(slack: FakeSlackAPI, urls: list[str]) -> bool:
    return all(slack.responses(url) for url in urls)


async def round_trips(
    lookup: Lookup, work: list[tuple[str, str]], crowd: int
) -> dict[str, list[float]]:
    """Send ``work`` in rounds of ``crowd``; ack and answer milliseconds, per command."""
    times: dict[str, list[float]] = {"ack": [], "answer": []}
    async with FakeSlackAPI() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url, retry_handlers=[])
        runner = web.AppRunner(build_bolt_app(lookup, client, SECRET).web_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(command: str, text: str) -> tuple[str, float]:
                response_url = slack.response_url()
                body = slash_command_body(command, text, response_url=response_url)
                headers = signed_headers(body, SECRET)
                sent = time.monotonic()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{command} {text}: HTTP {response.status}")
                times["ack"].append((time.monotonic() - sent) * 1e3)
                return response_url, sent

            for start in range(0, len(work), crowd):
                batch = work[start : start + crowd]
                sent = await asyncio.gather(*(one(c, t) for c, t in batch))
                await slack.wait_until(functools.partial(answered, slack, [u for u, _ in sent]))
                for (response_url, at), (command, _) in zip(sent, batch, strict=True):
                    arrived = slack.responses(response_url)[0].time
                    times["answer"].append((arrived - at) * 1e3)
                    times.setdefault(command, []).append((arrived - at) * 1e3)
        await runner.cleanup()
    return times


async def bench_round_trips(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="paperbot-slack-bench-")) if args.db is None else None
    path = Path(args.db) if args.db else workdir / "bench.db"  # type: ignore[operator]
    async with Store.open(path) as store:
        if not await store.dates():
            print(f"\narchive: building {args.entries:,} entries in {path}", flush=True)
            await build_archive(store, Path(args.digests), args.entries)
        lookup = Lookup(store)
        every = await store.dates()
        dates = [d.isoformat() for d in every]
        ids = sample_ids(every, 2000)
        print(f"\nround trip: {len(dates):,} digests in the archive; warming up", flush=True)
        await round_trips(lookup, workload(ids, dates, args.crowd, seed=1), args.crowd)
        work = workload(ids, dates, args.requests)
        times = await round_trips(lookup, work, args.crowd)
    p99 = percentile(times["ack"], 99)
    verdict = "PASS" if p99 <= TARGET_ACK_MS else "FAIL"
    print(f"{len(work)} signed slash commands, {args.crowd} at a time (ms)")
    print(f"{'':<26} {'p50':>8} {'p99':>8} {'max':>8}")
    for name, values in times.items():
        label = {"ack": "ack (request → HTTP 200)", "answer": "answer (→ response_url)"}
        print(
            f"{label.get(name, '  answer ' + name):<26} {percentile(values, 50):>8.1f} "
            f"{percentile(values, 99):>8.1f} {max(values):>8.1f}"
        )
    print(f"ack p99 {p99:.1f} ms: target ≤ {TARGET_ACK_MS:g} ms {verdict}")
    if workdir is not None and not args.keep:
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()


async def main(args: argparse.Namespace) -> int:
    folder = Path(args.digests)
    cards = real_cards(folder)
    if not cards:
        print(f"no digests in {folder}", file=sys.stderr)
        return 2
    if not args.skip_cards:
        bench_cards(cards, args.repeat)
    if not args.skip_round_trip:
        await bench_round_trips(args)
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000, help="archive entries to build")
    parser.add_argument("--requests", type=int, default=1000, help="slash commands to time")
    parser.add_argument("--crowd", type=int, default=50, help="concurrent requests per round")
    parser.add_argument("--repeat", type=int, default=7, help="timed batches per card")
    parser.add_argument("--digests", default=str(DEFAULT_DIGESTS), help="real digests folder")
    parser.add_argument("--db", help="archive file to use or build (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archive")
    parser.add_argument("--skip-cards", action="store_true", help="only the round trip")
    parser.add_argument("--skip-round-trip", action="store_true", help="only the cards")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
