"""Peak memory of the real CLI on very large digests: ``ingest``, ``post --dry-run``, ``lookup``.

Issue #12 (item 3) asks that a 10,000-paper digest ingests, posts (``--dry-run``) and answers
``lookup digest`` within :data:`TARGET_MB` of peak resident memory; before its fix the digest
query returned the whole digest's warnings on every paper row, so memory grew as papers x
warnings (12.7 GB at 10,000 papers in the issue's report; here 4.9 GB at 5,000).

What runs, per size (``--sizes``, default 1,250 / 5,000 / 10,000 papers):

* a synthetic digest is written to a temporary folder by :func:`digest_text`: our own
  generator, never a real digest. Every entry has the real layout (id heading, link, a fenced
  Korean summary with a title and numbered ``##`` sections) and size (about 3.5 KB as UTF-8;
  the real digests average 3.3 KB an entry) but omits the last two sections, so the parser
  warns once per paper ("missing sections"), and every tenth entry also carries an unknown
  heading (a second warning): warnings grow with papers, as in a digest whose generator
  changed its template.
* then, each in a fresh child process on one new temporary database, in the order a user
  runs them: ``parse`` (``parse_digest_bytes`` alone, the floor every command pays),
  ``paperbot ingest FILE``, ``paperbot post FILE --dry-run`` (console target: parses again,
  finds the digest unchanged, plans nothing, lists every message) and ``paperbot lookup
  digest --date D`` (the whole table, written to ``/dev/null``); last ``paperbot post FILE``
  to the console for real (every card rendered and sent to ``/dev/null`` through the outbox;
  ``--no-post`` skips it, as it takes about 10 ms a card). The issue's target names the first
  three; the real post is held to the same figure, as it reads the same digest query.

How it is measured: each child is started with :class:`subprocess.Popen` and reaped with
:func:`os.wait4`, whose ``ru_maxrss`` is that one child's peak resident set (kilobytes on
Linux; MB here are 2**20 bytes). Wall time is from start to reaping. ``--limit-mb`` caps each
child's address space (``RLIMIT_AS``) so a runaway case fails with ``MemoryError`` instead of
exhausting a shared machine; such a row reads ``> limit``. The address space is larger than
the resident set (thread stacks, malloc arenas), so the limit is a safety valve, not the
measurement.

Run ``python benchmarks/memory.py`` (all sizes), ``--sizes 1250`` for a quick look, ``--json``
for a machine-readable document on stdout (the table then goes to stderr). Exit status: 0 when
every command of every size stays within the target, 1 otherwise, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final, TextIO

ROOT: Final = Path(__file__).resolve().parent.parent
TARGET_MB: Final = 400.0
DEFAULT_SIZES: Final = (1_250, 5_000, 10_000)
DEFAULT_LIMIT_MB: Final = 14_000
DATE: Final = dt.date(2031, 3, 4)  # no real digest has this date
#: The sections every synthetic entry has (the parser then reports the two it lacks).
SECTIONS: Final = (
    "핵심 동기와 문제 정의",
    "주요 기여 및 참신성",
    "모델 아키텍처 및 학습 설정",
    "실험 설정",
    "정량적 결과",
)
#: Made-up vocabulary for bodies: Korean nouns and particles, as the real summaries mix them.
WORDS: Final = (
    "모델", "데이터", "학습", "추론", "성능", "방법", "실험", "결과", "평가", "구조",
    "토큰", "효율성", "정확도", "기준선", "벤치마크", "확장", "손실", "표현", "분포", "샘플",
    "을", "를", "은", "는", "이", "가", "에서", "으로", "및", "통해",
)  # fmt: skip
ENGLISH: Final = ("Transformer", "RL", "LLM", "GRPO", "ViT", "CoT", "MoE", "LoRA")
PARSE_ONLY: Final = (
    "import sys; from pathlib import Path; from digest_parser import parse_digest_bytes; "
    "d = parse_digest_bytes(Path(sys.argv[1]).read_bytes(), source=sys.argv[1]); "
    "print(len(d.papers), len(d.warnings))"
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(14, 26))]
    words.insert(rng.randrange(len(words)), rng.choice(ENGLISH))
    return " ".join(words) + "."


def entry_text(rng: random.Random, n: int) -> str:
    """One digest entry: ``## id``, its link, and a fenced summary missing two sections."""
    arxiv_id = f"{DATE:%y%m}.{n:05d}"
    lines = [
        f"## {arxiv_id}",
        f"🔗 https://huggingface.co/papers/{arxiv_id}",
        "",
        "**Summary**:",
        "```markdown",
        f"# {rng.choice(ENGLISH)}-{n}: {' '.join(rng.choice(WORDS) for _ in range(6))}",
        "",
    ]
    for number, heading in enumerate(SECTIONS, 1):
        lines += [f"## {number}. {heading}", ""]
        lines += [f"- **{rng.choice(WORDS)}**: {_sentence(rng)}" for _ in range(rng.randint(3, 5))]
        lines.append("")
    if n % 10 == 0:  # a heading the parser does not know: a second warning
        lines += ["## 부록 및 참고 사항", "", _sentence(rng), ""]
    lines += ["```", "", "---", ""]
    return "\n".join(lines)


def digest_text(papers: int, seed: int = 12) -> str:
    """A synthetic digest of ``papers`` entries dated :data:`DATE`; the same for the same seed."""
    rng = random.Random(seed)
    head = f"# 📰 Hugging Face Daily Papers – {DATE.isoformat()}\n\n"
    return head + "\n".join(entry_text(rng, n) for n in range(1, papers + 1))


@dataclass(frozen=True, slots=True)
class Run:
    """One command of one size: its peak resident set and wall time."""

    papers: int
    command: str
    peak_mb: float | None  # None: the child hit --limit-mb
    seconds: float
    status: int

    @property
    def within(self) -> bool:
        """Within :data:`TARGET_MB` (and finished)."""
        return self.status == 0 and self.peak_mb is not None and self.peak_mb <= TARGET_MB


def _limit(mb: int) -> None:
    cap = mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def measure(
    argv: list[str], *, papers: int, command: str, cwd: Path, limit_mb: int, log: Path
) -> Run:
    """Run ``argv`` in a fresh child; its own peak RSS from ``wait4``, not the children's max."""
    start = time.perf_counter()
    with log.open("wb") as err:
        child = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=lambda: _limit(limit_mb),
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    code = child.returncode
    out_of_memory = code != 0 and b"MemoryError" in log.read_bytes()
    peak = None if out_of_memory else usage.ru_maxrss / 1024  # KiB on Linux
    return Run(papers, command, peak, seconds, code)


def run_size(papers: int, work: Path, limit_mb: int, out: TextIO, *, with_post: bool) -> list[Run]:
    """Write a digest of ``papers`` entries and measure every command on a new database."""
    folder = work / f"size-{papers}"
    folder.mkdir()
    digest = folder / f"hf-daily-papers-{DATE.isoformat()}.md"
    digest.write_text(digest_text(papers), encoding="utf-8")
    db = folder / "paperbot.db"
    size = digest.stat().st_size / 2**20
    print(f"{papers:,} papers: {digest.name}, {size:.1f} MB", file=out, flush=True)
    cli = [sys.executable, "-m", "bot"]
    commands = {
        "parse": [sys.executable, "-c", PARSE_ONLY, str(digest)],
        "ingest": [*cli, "ingest", str(digest), "--db", str(db)],
        "post --dry-run": [*cli, "post", str(digest), "--dry-run", "--db", str(db)],
        "lookup digest": [*cli, "lookup", "digest", "--date", DATE.isoformat(), "--db", str(db)],
        "post": [*cli, "post", str(digest), "--db", str(db)],
    }
    if not with_post:
        del commands["post"]
    runs = []
    for name, argv in commands.items():
        log = folder / f"{name.replace(' ', '').replace('-', '_')}.log"
        run = measure(argv, papers=papers, command=name, cwd=folder, limit_mb=limit_mb, log=log)
        runs.append(run)
        print(f"  {_row(run)}", file=out, flush=True)
        if run.status != 0 and run.peak_mb is not None:
            print(log.read_text(encoding="utf-8", errors="replace")[-2000:], file=out)
            break  # the later commands need this one's database
    return runs


def _row(run: Run) -> str:
    peak = "> limit" if run.peak_mb is None else f"{run.peak_mb:,.0f} MB"
    verdict = "PASS" if run.within else "FAIL"
    failed = f" (exit {run.status})" if run.status else ""
    return f"{run.command:<15} {peak:>10} {run.seconds:8.1f} s  {verdict}{failed}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated paper counts (default: %(default)s)",
    )
    parser.add_argument(
        "--limit-mb",
        type=int,
        default=DEFAULT_LIMIT_MB,
        help="address-space cap per child, a safety valve (default: %(default)s)",
    )
    parser.add_argument(
        "--no-post", action="store_true", help="skip the real console post (the slowest)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="JSON on stdout, table on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    out = sys.stderr if args.json else sys.stdout
    print(f"target: every command within {TARGET_MB:.0f} MB peak RSS", file=out)
    work = Path(tempfile.mkdtemp(prefix="paperbot-memory-"))
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)  # children import bot
    os.environ.pop("PAPERBOT_CONFIG", None)  # the defaults, whatever this shell has set
    try:
        runs = [
            run
            for papers in sizes
            for run in run_size(papers, work, args.limit_mb, out, with_post=not args.no_post)
        ]
    finally:
        if args.keep:
            print(f"kept: {work}", file=out)
        else:
            shutil.rmtree(work, ignore_errors=True)
    ok = all(run.within for run in runs)
    print(f"overall: {'PASS' if ok else 'FAIL'}", file=out)
    if args.json:
        document = {"target_mb": TARGET_MB, "runs": [asdict(run) for run in runs], "pass": ok}
        print(json.dumps(document, indent=2))
    if any(run.status != 0 and run.peak_mb is not None for run in runs):
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
