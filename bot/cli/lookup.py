"""``paperbot lookup …`` and ``paperbot search``: the chat commands' answers in a terminal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.core.archive.lookup import MAX_SEARCH_OFFSET

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

if TYPE_CHECKING:
    from bot.core.archive.lookup import Lookup, SearchResults

__all__ = ["lookup_app"]

lookup_app = typer.Typer(help="Look up papers, sections and digests in the archive.")
app.add_typer(lookup_app, name="lookup")

DateOption = Annotated[str | None, typer.Option("--date", help="Digest date, YYYY-MM-DD.")]


def _show(answer: Any, output: OutputFormat, hint: str | None = None) -> None:
    """Print an answer (or a miss, with ``hint`` after it) and exit 1 for a miss.

    A search without hits is a miss too: scripts test the exit status, as for a lookup.
    """
    from bot.console.render import render_card
    from bot.console.replies import (
        render_digest,
        render_not_found,
        render_page,
        render_search,
        render_section,
    )
    from bot.core.answers.paper_answers import CardAnswer, SectionAnswer
    from bot.core.archive.lookup import NotFound, SearchResults, SectionPage

    if output is OutputFormat.JSON:
        print_json(answer.entry if isinstance(answer, CardAnswer) else answer)
    else:
        from bot.console.terminal import TerminalConsole

        console = TerminalConsole()
        if isinstance(answer, NotFound):
            console.print(render_not_found(answer))
        elif isinstance(answer, CardAnswer):
            console.print(render_card(answer.card))
        elif isinstance(answer, SectionAnswer):
            console.print(render_section(answer))
        elif isinstance(answer, SectionPage):
            console.print(render_page(answer))
        elif isinstance(answer, SearchResults):
            console.print(render_search(answer))
        else:
            console.print(render_digest(answer))
        if hint:
            console.print(hint, style="dim", markup=False)
    if isinstance(answer, NotFound) or (isinstance(answer, SearchResults) and not answer.hits):
        raise typer.Exit(1)


def _ask(db: Any, config: Any, ask: Any) -> Any:
    """Run ``ask`` on a :class:`~bot.core.archive.lookup.Lookup` over the existing archive."""
    from bot.core.archive.lookup import Lookup

    settings = load(config)

    async def main() -> Any:
        async with open_store(db, settings, existing=True) as store:
            return await ask(Lookup(store))

    return run(main())


def _answer(db: Any, config: Any, output: OutputFormat, ask: Any) -> None:
    _show(_ask(db, config, ask), output)


@lookup_app.command("paper")
def lookup_paper(
    ref: Annotated[str, typer.Argument(help="arXiv id or URL, e.g. 2505.19590.")],
    section: Annotated[str | None, typer.Option("--section", "-s", help="One section.")] = None,
    date: DateOption = None,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Show a paper's card, or one section of it."""
    from bot.core.answers.paper_answers import answer_paper

    _answer(db, config, output, lambda lookup: answer_paper(lookup, ref, section, date))


@lookup_app.command("section")
def lookup_section(
    name: Annotated[str, typer.Argument(help="Section: limitations, 한계, 6, …")],
    paper: Annotated[str | None, typer.Option("--paper", "-p", help="One paper.")] = None,
    date: DateOption = None,
    page: Annotated[int, typer.Option("--page", min=1, help="Page of papers.")] = 1,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Show a section of one paper, or of every paper in a digest (the newest by default)."""
    from bot.core.answers.paper_answers import answer_section

    _answer(db, config, output, lambda lookup: answer_section(lookup, name, paper, date, page))


@lookup_app.command("digest")
def lookup_digest(
    date: DateOption = None,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List a digest's papers (the newest by default)."""
    from bot.core.answers.paper_answers import answer_digest

    _answer(db, config, output, lambda lookup: answer_digest(lookup, date))


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Words to find, Korean or English.")],
    offset: Annotated[
        int, typer.Option("--offset", min=0, max=MAX_SEARCH_OFFSET, help="Skip this many hits.")
    ] = 0,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Search titles and summaries in the archive.

    Exit status: 0 with hits; 1 without hits (with a hint) or without an archive;
    2 when the archive cannot be opened.
    """
    from bot.core.answers.paper_answers import answer_search

    async def ask(lookup: Lookup) -> tuple[SearchResults, tuple[dt.date, ...]]:
        results = await answer_search(lookup, " ".join(query), offset)
        return results, (() if results.hits else await lookup.dates())

    results, dates = _ask(db, config, ask)
    _show(results, output, None if results.hits else _search_hint(results, dates))


def _search_hint(results: SearchResults, dates: tuple[dt.date, ...]) -> str:
    """What to try after a search found nothing (``dates``: the archive's, newest first)."""
    if not dates:
        return "No digest has been archived yet: run `paperbot ingest DIGEST.md` first."
    if results.offset:
        return f"No hits from --offset {results.offset} on: try a smaller --offset."
    held = (
        f"{len(dates)} digests, {dates[-1]} to {dates[0]}" if dates[1:] else f"1 digest, {dates[0]}"
    )
    return f"Try fewer or other words, Korean or English; the archive holds {held}."
