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
  :class:`~bot.storage.sqlite.store.Store`. The archive is built by ``benchmarks/store.py``'s rule
  (the real entries re-ingested under generated ids and dates, 26 a day), so both benchmarks
  measure the same archive. Rounds of ``--crowd`` commands (a mix of ``/paper``,
  ``/paper`` with a section, ``/section``, ``/digest``, ``/paper-search`` and autocomplete,
  on random papers of the whole archive) are dispatched at once; each is timed from the moment
  the fake sends its INTERACTION_CREATE to the moment it has stored the bot's callback. Three
  scenarios: **cold**, nothing rendered and nothing kept before every round (50 cards nobody
  has seen: every section body parsed); **rendered**, every section body rendered before but
  every reply built again (today's cards were rendered when they were posted); **warm**, the
  same requests asked a moment before (the bot kept the replies). The bot's CPU per command
  is read from its process, so a busy machine shows as latency, not as bot cost. A deferred
  command's round trip is its defer ("thinking…"), and the time to its answer (the followup)
  is reported on a row of its own: ``/paper-search`` always defers, and any reply still to be
  made defers once the bot is making a few already (``bot/discord/turns.py``). The harness
  (the bot's process, the rounds, the scenarios) is ``benchmarks/discord_crowd.py``.

Run ``python benchmarks/discord_bench.py`` (the archive build takes about two minutes at
100,000 entries), ``--entries 10000`` for a quick look, or ``--db FILE`` to reuse an archive
``benchmarks/store.py --db FILE --keep`` built (``--skip-embeds`` for the round trips only).
Exit status 0 whatever the timings; 2 when the real digests are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Final

from _common import DEFAULT_DIGESTS, build_archive, per_call_us, percentile, real_cards
from discord_crowd import Command, scenarios  # puts the repo on sys.path

from bot.core.archive.lookup import Lookup
from bot.core.cards.card import Card
from bot.discord.components import card_view
from bot.discord.render import card_embed, clear_render_cache
from bot.discord.responder import DEFER_AFTER
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey

QUERIES: Final = ("강화 학습", "diffusion", "모델", "reasoning", "에이전트")
TITLES: Final = {
    "cold": "cold: nothing rendered, nothing kept before every round",
    "rendered": "rendered: every section body rendered before, every reply built again",
    "warm": "warm: the same requests asked a moment before (replies kept)",
}


# -- embeds ----------------------------------------------------------------------------------


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
    measured = await scenarios(db, mix, crowd=crowd, rounds=rounds, defer_after=args.defer_after)
    what = f"round trip, INTERACTION_CREATE → callback, {crowd} at once (ms)"
    for scenario, crowds in measured.items():
        crowds.report(f"{what}\n{TITLES[scenario]}")


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
    if not args.skip_embeds:
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
    parser.add_argument("--skip-embeds", action="store_true", help="only the round trips")
    parser.add_argument("--digests", default=str(DEFAULT_DIGESTS), help="real digests folder")
    parser.add_argument("--db", help="reuse (or build) this archive file instead of a temporary")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(parse_args()))
