"""Benchmark the 👍/🔖 buttons: press to acknowledged answer, fifty at once, 100,000 entries.

Issue #16 asks for the p99 from a button press to its acknowledged answer with 50 presses at
once over a 100,000-entry archive, under 100 ms like the slash commands. This script measures
it on the real path: the Bolt app with paperbot's listeners (``build_bolt_app`` with a real
:class:`~bot.core.voice.desk.VoiceDesk` and :class:`~bot.core.voice.editor.CountEditor`)
served by aiohttp on 127.0.0.1, over a real :class:`~bot.storage.sqlite.store.Store` built
with ``benchmarks/store.py``'s builder (the real entries under generated ids, 26 a day).

Rounds of ``--crowd`` presses are sent at once, each a ``block_actions`` request signed as
Slack signs it, by a different user, on one of a few posted cards (half 👍, half 🔖; every
press is a write: a toggle and its count-edit row in one transaction). The **ack** is timed
from just before the POST to its HTTP 200, the **answer** from the same moment to the private
confirmation arriving at the fake ``response_url``. The count editor runs meanwhile, as in
``serve``: it edits each card at most once per window through the fake's ``chat.update``
(counted, with the 429s the fake sent: its rate limits are on). The reference, "like the slash
commands", is measured in the same run: rounds of ``/paper`` commands on the same app
alternate with the rounds of presses, so both see the same machine; the ratio of the two p99s
is printed (a shared machine's noise moves both). The fake Slack API and the client share the
app's process and event loop, so their work is inside the figures.

Run ``python benchmarks/reactions.py`` (building 100,000 entries takes a minute or two),
``--entries 10000`` for a quick look, or ``--db FILE`` to reuse an archive built by
``benchmarks/store.py --db FILE --keep``. Exit status 0 whatever the timings; 2 when the real
digests are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fakes: the loopback Slack
sys.path.append(str(ROOT / "benchmarks"))  # _common, after the installed packages

import aiohttp  # noqa: E402
from _common import DEFAULT_DIGESTS, build_archive, percentile, real_papers  # noqa: E402
from aiohttp import web  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.core.archive.lookup import Lookup  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.delivery.worker import Worker  # noqa: E402
from bot.core.voice.desk import VoiceDesk  # noqa: E402
from bot.core.voice.editor import CountEditor  # noqa: E402
from bot.slack.app import build_bolt_app  # noqa: E402
from bot.slack.poster import SlackPoster  # noqa: E402
from bot.slack.render import ACTION_LIKE, ACTION_SAVE, encode_value  # noqa: E402
from bot.storage.sqlite.store import Store  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.fakes.slack_ratelimit import SlackRateLimit  # noqa: E402
from tests.fakes.slack_requests import (  # noqa: E402
    block_actions_body,
    signed_headers,
    slash_command_body,
)

TARGET_ACK_MS: Final = 100.0
SECRET: Final = "benchmark-signing-secret"
CHANNEL: Final = "C0BENCH"
CARDS: Final = 4  # posted cards the crowd presses on


def answered(slack: FakeSlackAPI, urls: list[str]) -> bool:
    return all(slack.responses(url) for url in urls)


async def presses(store: Store, rounds: int, crowd: int) -> tuple[dict[str, list[float]], int, int]:
    """``rounds`` of ``crowd`` presses and as many ``/paper`` commands; ack and answer ms of
    each, chat.update calls and 429s."""
    clock = SystemClock()
    times: dict[str, list[float]] = defaultdict(list)
    async with FakeSlackAPI(rate_limit=SlackRateLimit()) as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url, retry_handlers=[])
        poster = SlackPoster(client)
        newest = (await store.dates())[0]
        summary = await store.digest(newest)
        assert summary is not None
        papers = [item.arxiv_id for item in summary.papers[:CARDS]]
        worker = Worker(store, {"slack": poster}, clock)
        await worker.outbox.plan("slack", CHANNEL, newest, papers)
        await worker.run_until_idle()
        posted = {
            row.paper: row.message_id
            for row in await store.outbox.of_day("slack", CHANNEL, newest)
            if row.message_id
        }
        editor = CountEditor(store, {"slack": poster}, clock)
        desk = VoiceDesk(store, clock, editor=editor)
        app = build_bolt_app(Lookup(store), client, SECRET, voice=desk)
        runner = web.AppRunner(app.web_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        editing = asyncio.create_task(editor.run())
        users = itertools.count()
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(n: int, kind: str) -> tuple[str, float]:
                paper = papers[n % len(papers)]
                response_url = slack.response_url()
                if kind == "press":
                    body = block_actions_body(
                        ACTION_LIKE if n % 2 else ACTION_SAVE,
                        encode_value(paper=paper, date=newest.isoformat()),
                        message_ts=posted[paper],
                        channel_id=CHANNEL,
                        user_id=f"U{next(users):08d}",
                        response_url=response_url,
                    )
                else:  # the reference: a slash command on the same app, in the same run
                    body = slash_command_body("/paper", paper, response_url=response_url)
                headers = signed_headers(body, SECRET)
                sent = time.monotonic()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{kind}: HTTP {response.status}")
                times[f"{kind} ack"].append((time.monotonic() - sent) * 1e3)
                return response_url, sent

            # press and slash rounds alternate: the same noise; round 0 opens the client's
            # connections (a TCP connect per request) and is not counted
            for start in range(rounds + 1):
                for kind in ("press", "slash"):
                    batch = [one(start * crowd + n, kind) for n in range(crowd)]
                    sent = await asyncio.gather(*batch)
                    urls = [u for u, _ in sent]
                    await slack.wait_until(functools.partial(answered, slack, urls))
                    for response_url, at in sent:
                        arrived = slack.responses(response_url)[0].time
                        times[f"{kind} answer"].append((arrived - at) * 1e3)
                if start == 0:
                    times.clear()
        editor.stop()
        await editing
        await runner.cleanup()
        return times, slack.stats.by_method.get("chat.update", 0), slack.stats.ratelimited


async def main(args: argparse.Namespace) -> int:
    folder = Path(args.digests)
    if not real_papers(folder):
        print(f"no digests in {folder}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="paperbot-reactions-")) if args.db is None else None
    path = Path(args.db) if args.db else workdir / "bench.db"  # type: ignore[operator]
    async with Store.open(path) as store:
        if not await store.dates():
            print(f"archive: building {args.entries:,} entries in {path}", flush=True)
            await build_archive(store, folder, args.entries)
        await store.indexed()  # the search index caught up: not competing with the presses
        ((entries,),) = await store.query("SELECT count(*) FROM entries")
        print(f"archive: {entries:,} entries; warming up", flush=True)
        await presses(store, 1, args.crowd)
        times, updates, limited = await presses(store, args.rounds, args.crowd)
    total = args.rounds * args.crowd
    print(
        f"{total} signed presses on {CARDS} cards and {total} /paper commands, in alternating "
        f"rounds of {args.crowd} at a time (ms)"
    )
    print(f"{'':<34} {'p50':>8} {'p99':>8} {'max':>8}")
    labels = {
        "press ack": "press ack (request → HTTP 200)",
        "press answer": "press answer (→ response_url)",
        "slash ack": "/paper ack (the reference)",
        "slash answer": "/paper answer",
    }
    for name, label in labels.items():
        values = times[name]
        print(
            f"{label:<34} {percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f} "
            f"{max(values):>8.1f}"
        )
    print(f"count edits: {updates} chat.update calls for {total} presses, {limited} × 429")
    p99 = percentile(times["press ack"], 99)
    reference = percentile(times["slash ack"], 99)
    verdict = "PASS" if p99 <= TARGET_ACK_MS else "FAIL"
    print(f"press ack p99 {p99:.1f} ms: target ≤ {TARGET_ACK_MS:g} ms {verdict}")
    print(f"press ack p99 / /paper ack p99 in the same run: {p99 / reference:.2f}")
    if workdir is not None and not args.keep:
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000, help="archive entries to build")
    parser.add_argument("--rounds", type=int, default=40, help="rounds of presses to time")
    parser.add_argument("--crowd", type=int, default=50, help="concurrent presses per round")
    parser.add_argument("--digests", default=str(DEFAULT_DIGESTS), help="real digests folder")
    parser.add_argument("--db", help="archive file to use or build (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archive")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
