"""The crash harness with two ``paperbot serve`` processes on one database (issue #17).

"At least 50 SIGKILLs per platform, 0 lost, 0 duplicates, 0 out of order; killing the
delivering process hands delivery to the other." For each platform this runs the harness of
``tests/crash`` with :class:`tests.crash.children.ServeChild` children: two serve processes on
one PostgreSQL database per trial, the one holding the delivery lease killed at the kill points
(now and then the standby), the survivor awaited until it holds the lease (never expired by
hand), the killed one restarted as the standby. It prints, per platform: kills, takeovers by the
survivor and the longest wait for one, lost, duplicates, trials out of order, seconds.

The database: ``--postgres URL`` (each trial creates a database beside the one it names, so the
role needs CREATEDB), else a throw-away cluster started here as the tests start theirs
(``tests/postgres_cluster.py``: initdb in a temporary folder, a Unix socket, no service);
``--sqlite`` runs the same on a SQLite file per trial instead.

Run ``python benchmarks/crash_serve.py`` (both platforms, 50 kills each), ``--kills 10`` for a
quick look, ``--platform slack``. Exit status 0 when every platform's report is clean.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import sys
import tempfile
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.crash and tests.postgres_cluster (never bot/ itself)

from tests.crash.children import ServeChild  # noqa: E402
from tests.crash.discord_target import DiscordCrashTarget  # noqa: E402
from tests.crash.harness import CrashHarness  # noqa: E402
from tests.crash.report import CrashReport  # noqa: E402
from tests.crash.slack_target import SlackCrashTarget  # noqa: E402

DIGEST: Final = ROOT.parent / "shared" / "digests" / "hf-daily-papers-2025-05-27.md"
#: The fakes' windows and the children's pacing, as in tests/crash.
SCALE: Final = 0.01
#: Real seconds of a delivery lease: short, so a takeover costs seconds, not half a minute.
LEASE_SECONDS: Final = 1.5


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL server of its own for this run, as the tests start one; its URL."""
    from tests.postgres_cluster import _start, _stop, find_bindir, server_user

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries found (see tests/postgres_cluster.py)")
    cluster, server = _start(bindir, server_user())
    try:
        yield cluster.url("postgres")
    finally:
        _stop(server, cluster.root)


async def crash_serve(platform: str, args: Namespace, postgres: str | None) -> CrashReport:
    """``--kills`` kills of two serve processes delivering to one platform."""
    workdir = args.workdir / platform
    watch = workdir / "digests"
    watch.mkdir(parents=True)
    shutil.copy(args.digest, watch / args.digest.name)
    child = ServeChild(watch, count=2, lease_seconds=LEASE_SECONDS)
    fake = SlackCrashTarget if platform == "slack" else DiscordCrashTarget
    async with fake(scale=SCALE) as target:
        harness = CrashHarness(
            target, args.digest, workdir, seed=args.seed, child=child, postgres=postgres
        )
        return await harness.run(args.kills)


def print_report(report: CrashReport, backend: str) -> None:
    """The issue's figures first, then the harness's own summary."""
    print(f"{report.platform}, two serve processes on {backend}:")
    print(
        f"  kills         {report.kills:6d}  ({report.holder_kills} of the deliverer, "
        f"{report.standby_kills} of the standby, {report.trials} trials, {report.runs} runs)"
    )
    print(
        f"  takeovers     {report.takeovers:6d}  (longest {report.longest_takeover:.2f} s, "
        f"lease {LEASE_SECONDS:g} s)"
    )
    print(f"  lost          {report.losses:6d}  of {report.expected} messages")
    print(f"  duplicates    {report.duplicates:6d}")
    print(f"  misordered    {report.misordered:6d}  trials")
    print(f"  unrecorded    {report.unrecorded:6d}  (not recorded as sent in the outbox)")
    print(f"  seconds       {report.seconds:6.0f}")
    print("  " + report.summary().replace("\n", "\n  "))  # fmt: skip


async def main(args: Namespace) -> int:
    platforms = ["slack", "discord"] if args.platform == "both" else [args.platform]
    print(f"digest {args.digest.name}, crash seed {args.seed}")
    with contextlib.ExitStack() as stack:
        postgres = None
        if not args.sqlite:
            postgres = args.postgres or stack.enter_context(throwaway_postgres())
        args.workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crash-")))
        backend = "SQLite" if postgres is None else "PostgreSQL"
        reports = []
        for platform in platforms:
            report = await crash_serve(platform, args, postgres)
            print_report(report, backend)
            reports.append(report)
    return 0 if all(r.ok and r.takeovers for r in reports) else 1


def parse_args(argv: list[str] | None = None) -> Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--platform", choices=("slack", "discord", "both"), default="both")
    parser.add_argument("--kills", type=int, default=50, help="kills per platform")
    parser.add_argument("--postgres", help="a server's URL (default: a throw-away cluster)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file per trial instead")
    parser.add_argument("--digest", type=Path, default=DIGEST)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2**32))
    args = parser.parse_args(argv)
    if not args.digest.is_file():
        parser.exit(2, f"digest not found: {args.digest}\n")
    return args


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(parse_args())))
