"""Enrichment: requests and wall time per real digest, and what metadata costs a card's render.

For each real digest, archived in a fresh SQLite file, the enricher runs against the loopback
fake of Hugging Face (``tests/fakes/hf_api.py``) answering every request after 100 ms; the
day's list lacks every tenth paper, as a list still growing in the morning would. Target
(issue #14): requests per day = 1 + papers missing from the list. Then every real card is
rendered for Slack (``card_message``) and Discord (``card_embed``) with and without full
metadata, and the ratio is printed (measured in the same run).

    python benchmarks/enrich.py [--digests DIR] [--latency 0.1] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fakes (never bot/ itself)

from _common import DEFAULT_DIGESTS, PATTERN, per_call_us, real_cards  # noqa: E402

from bot.core.archive.ingest import ingest_file  # noqa: E402
from bot.core.cards.paper_meta import PaperMeta  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.enrichment.config import EnrichmentConfig  # noqa: E402
from bot.core.enrichment.enricher import open_enricher  # noqa: E402
from bot.storage.sqlite.store import Store  # noqa: E402
from digest_parser import parse_digest_file  # noqa: E402
from tests.fakes.hf_api import FakeHuggingFace, paper_json  # noqa: E402


async def one_day(path: Path, latency: float) -> tuple[str, int, int, int, int, float]:
    """(date, papers, missing from the list, requests, enriched, wall seconds)."""
    digest = parse_digest_file(path)
    assert digest.date is not None
    ids = list(dict.fromkeys(p.arxiv_id for p in digest.papers))
    listed = [a for n, a in enumerate(ids) if n % 10 != 9]
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "a.db") as store, FakeHuggingFace() as hf:
            await ingest_file(store, path)
            hf.latency = latency
            hf.list_day(digest.date, *(paper_json(a) for a in listed))
            hf.papers.update({a: paper_json(a)["paper"] for a in ids if a not in listed})
            config = EnrichmentConfig(api_base_url=hf.base_url, timeout=30)
            async with open_enricher(config, store, SystemClock()) as enricher:
                start = time.perf_counter()
                report = await enricher.enrich_day(digest.date)
                wall = time.perf_counter() - start
    missing = len(ids) - len(listed)
    return digest.date.isoformat(), len(ids), missing, report.requests, report.enriched, wall


def meta_for(arxiv_id: str) -> PaperMeta:
    return PaperMeta(
        arxiv_id=arxiv_id,
        title="A Representative English Title of About Seventy Characters in Length",
        authors=tuple(f"Author Number {n}" for n in range(12)),
        organization="Example Lab",
        upvotes=123,
        comments=4,
        github_repo=f"https://github.com/example/{arxiv_id}",
        github_stars=2_345,
        project_page=f"https://example.org/{arxiv_id}",
        thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
        keywords=("agents", "reinforcement learning", "강화 학습", "benchmarks", "vision"),
        fetched_at=dt.datetime.now(dt.UTC),
    )


def render_ratio(folder: Path, repeat: int) -> None:
    from bot.discord.render import card_embed
    from bot.slack.render import card_message

    bare = real_cards(folder)
    rich = [dataclasses.replace(c, meta=meta_for(c.arxiv_id)) for c in bare]
    print(f"\ncard render, {len(bare)} real cards, median µs per card (same run)")
    print(f"{'renderer':<22}{'plain':>10}{'enriched':>10}{'ratio':>8}")
    for name, render in (("slack card_message", card_message), ("discord card_embed", card_embed)):
        plain = statistics.median(per_call_us(lambda c=c, r=render: r(c), repeat) for c in bare)
        enriched = statistics.median(per_call_us(lambda c=c, r=render: r(c), repeat) for c in rich)
        print(f"{name:<22}{plain:>10.1f}{enriched:>10.1f}{enriched / plain:>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--digests", type=Path, default=DEFAULT_DIGESTS)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--repeat", type=int, default=5, help="timed batches per card")
    args = parser.parse_args()
    paths = sorted(args.digests.glob(PATTERN))
    if not paths:
        sys.exit(f"no digests in {args.digests}")
    print(f"enrichment against the fake, {args.latency * 1000:.0f} ms per request")
    print(f"{'digest':<12}{'papers':>7}{'missing':>8}{'requests':>9}{'target':>7}"
          f"{'enriched':>9}{'wall s':>8}")  # fmt: skip
    met = 0
    for path in paths:
        day, papers, missing, requests, enriched, wall = asyncio.run(one_day(path, args.latency))
        met += requests == 1 + missing
        print(f"{day:<12}{papers:>7}{missing:>8}{requests:>9}{1 + missing:>7}"
              f"{enriched:>9}{wall:>8.2f}")  # fmt: skip
    verdict = "PASS" if met == len(paths) else "FAIL"
    print(f"requests = 1 + missing on {met}/{len(paths)} digests: {verdict}")
    render_ratio(args.digests, args.repeat)


if __name__ == "__main__":
    main()
