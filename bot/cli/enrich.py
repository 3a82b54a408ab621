"""``paperbot enrich``: fetch Hugging Face's metadata for archived digests, now.

``serve`` does this by itself in the background; the command is for an archive filled by
``ingest``, for checking what Hugging Face knows, and for a refresh by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.console.terminal import TerminalConsole, echo

from .app import app
from .common import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    fail,
    load,
    open_store,
    print_json,
    run,
)

if TYPE_CHECKING:
    from bot.core.enrichment.enricher import EnrichReport

__all__ = ["enrich"]


@app.command()
def enrich(
    date: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="The digest of this day (YYYY-MM-DD)."),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every archived digest.")] = False,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fetch authors, upvotes, code links and more from Hugging Face for archived digests.

    Default: the newest digest. Exit 1 when no digest matches, 3 when Hugging Face could not
    be asked for everything (what was fetched is kept).
    """
    if date is not None and every:
        raise fail("give --date or --all, not both")
    settings = load(config)

    async def main() -> list[EnrichReport] | str:
        from bot.core.clock import SystemClock
        from bot.core.enrichment.enricher import open_enricher

        async with open_store(db, settings, existing=True) as store:
            days = [d.date for d in await store.metadata.days()]
            if date is not None:
                days = [d for d in days if d == date.date()]
            elif not every:
                days = days[:1]
            if not days:
                return "no digest of that day is archived" if date else "no digest is archived"
            reports = []
            async with open_enricher(settings.enrichment, store, SystemClock()) as enricher:
                with _Bar(output is OutputFormat.TABLE) as bar:
                    for day in days:
                        reports.append(await enricher.enrich_day(day, progress=bar.step(day)))
            return reports

    outcome = run(main())
    if isinstance(outcome, str):
        if output is OutputFormat.JSON:
            print_json({"error": outcome})
        raise fail(f"{outcome}: try `paperbot ingest FILE` first", 1)
    if output is OutputFormat.JSON:
        print_json({"digests": outcome})
    else:
        for report in outcome:
            echo(_line(report))
    if any(report.problem for report in outcome):
        raise typer.Exit(3)


def _line(report: EnrichReport) -> str:
    text = f"{report.date}: {report.enriched} of {report.papers} papers enriched"
    text += f" ({report.requests} request{'s' * (report.requests != 1)})"
    if report.unknown:
        text += f"; unknown to Hugging Face: {', '.join(report.unknown)}"
    if report.problem:
        text += f"; stopped short: {report.problem}"
    return text


class _Bar:
    """A rich progress bar on a terminal (nothing otherwise), one task per digest."""

    def __init__(self, wanted: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = TerminalConsole(stderr=True)
        self._progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            if wanted and console.is_terminal
            else None
        )

    def __enter__(self) -> _Bar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, day: dt.date) -> Callable[[int, int], None] | None:
        """The progress callback for the digest of ``day``."""
        progress = self._progress
        if progress is None:
            return None
        task = progress.add_task(f"{day} papers", total=None)

        def show(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return show
