"""``paperbot ingest PATH...``: archive digests so the bot can look them up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from bot.console.terminal import TerminalConsole, echo

from .app import app
from .common import ConfigOption, DbOption, load, open_store, run

__all__ = ["ingest"]

#: Above this many files a progress bar is shown (on a terminal).
PROGRESS_FROM = 5


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Digest files or directories (*.md).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Archive digests: new ones are added, unchanged ones skipped, changed ones replaced.

    Files in directories that are not digests (a README) are skipped and listed. Exit status:
    0 when every digest was archived or unchanged, 1 when any named file or digest failed
    (the others are still archived), 2 when the archive cannot be opened.
    """
    from bot.core.ingest import digest_files, ingest_file

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

    async def main() -> None:
        nonlocal papers, warnings
        async with open_store(db, settings) as store:
            with Progress(console=console, disable=len(files) < PROGRESS_FROM) as progress:
                task = progress.add_task("ingesting", total=len(files))
                for path in files:
                    done = await ingest_file(store, path)
                    progress.advance(task)
                    if done.digest is not None:
                        warnings += len(done.digest.warnings)
                    if done.result is None and done.not_a_digest and path not in named:
                        skipped.append(f"{path}: skipped, not a digest")
                        continue
                    if done.result is None:
                        failures.append(done.error or f"{path}: failed")
                        continue
                    counts[done.result.status.value] += 1
                    papers += done.result.papers

    run(main())
    for line in skipped + failures:
        echo(line, err=True)  # a failure may quote the digest
    typer.echo(
        f"digests: {counts['new']} new, {counts['unchanged']} unchanged, "
        f"{counts['replaced']} replaced, {len(failures)} failed, {len(skipped)} skipped; "
        f"{papers} papers; {warnings} warnings"
    )
    if failures:
        raise typer.Exit(1)


def _no_files(paths: list[Path]) -> int:
    echo(f"no digest files (*.md) in {', '.join(map(str, paths))}", err=True)
    return 1
