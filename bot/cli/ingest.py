"""``paperbot ingest PATH...``: archive digests so the bot can look them up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from bot.console.terminal import TerminalConsole, echo

from .app import app
from .common import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    load,
    open_store,
    print_json,
    run,
)

__all__ = ["ingest"]

#: Above this many files a progress bar is shown (on a terminal).
PROGRESS_FROM = 5


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Digest files or directories (*.md).")],
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Archive digests: new ones are added, unchanged ones skipped, changed ones replaced.

    Files in directories that are not digests (a README) are skipped and listed.
    With --format json: the counts and one record per file, for programs.
    Exit status: 0 when every digest was archived or unchanged, 1 when any named
    file or digest failed (the others are still archived), 2 when the archive
    cannot be opened.
    """
    from bot.core.archive.ingest import digest_files, ingest_file

    settings = load(config)
    named = {path for path in paths if not path.is_dir()}
    files = list(digest_files(paths))
    if not files:
        raise typer.Exit(_no_files(paths))
    console = TerminalConsole(stderr=True)
    counts: Counter[str] = Counter()
    papers = warnings = 0
    failures: list[str] = []
    skipped: list[str] = []
    records: list[dict[str, object]] = []  # one per file, for --format json

    async def main() -> None:
        nonlocal papers, warnings
        async with open_store(db, settings) as store:
            with Progress(console=console, disable=len(files) < PROGRESS_FROM) as progress:
                task = progress.add_task("ingesting", total=len(files))
                for path in files:
                    done = await ingest_file(store, path)
                    progress.advance(task)
                    found = len(done.digest.warnings) if done.digest is not None else 0
                    warnings += found
                    record: dict[str, object] = {"path": str(path), "warnings": found}
                    records.append(record)
                    if done.result is None and done.not_a_digest and path not in named:
                        skipped.append(f"{path}: skipped, not a digest")
                        record["status"] = "skipped"
                        continue
                    if done.result is None:
                        failures.append(done.error or f"{path}: failed")
                        record |= {"status": "failed", "error": failures[-1]}
                        continue
                    counts[done.result.status.value] += 1
                    papers += done.result.papers
                    record |= {
                        "status": done.result.status.value,
                        "date": done.result.date,
                        "papers": done.result.papers,
                    }

    run(main())
    for line in skipped + failures:
        echo(line, err=True)  # a failure may quote the digest
    if output is OutputFormat.JSON:
        totals = {status: counts[status] for status in ("new", "unchanged", "replaced")}
        totals |= {"failed": len(failures), "skipped": len(skipped)}
        print_json({"digests": totals, "papers": papers, "warnings": warnings, "files": records})
    else:
        echo(
            f"digests: {counts['new']} new, {counts['unchanged']} unchanged, "
            f"{counts['replaced']} replaced, {len(failures)} failed, {len(skipped)} skipped; "
            f"{papers} papers; {warnings} warnings"
        )
    if failures:
        raise typer.Exit(1)


def _no_files(paths: list[Path]) -> int:
    echo(f"no digest files (*.md) in {', '.join(map(str, paths))}", err=True)
    return 1
