"""``paperbot export bibtex``: a channel's reading list, or one member's saves, as BibTeX.

The same entries ``/saved export`` sends in chat (Hugging Face's English title and authors
where enriched), for a reference manager: ``paperbot export bibtex --channel slack:C0123 >
reading.bib``. Without ``--user`` it is the channel's reading list (papers members liked or
saved there, less those an admin removed); with it, what that member saved in the channel.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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

__all__ = ["bibtex"]

export_app = typer.Typer(
    name="export", help="Export the group's saved and liked papers.", no_args_is_help=True
)
app.add_typer(export_app)


@export_app.command()
def bibtex(
    channel: Annotated[
        str,
        typer.Option(
            "--channel", help="PLATFORM:ID, e.g. slack:C0123456789 or discord:112233445566778899"
        ),
    ],
    user: Annotated[
        str | None, typer.Option("--user", help="Only what this member (user id) saved there.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    form: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The channel's reading list (or one member's saved papers) as BibTeX @misc entries.

    With `--format json`: the channel, the arXiv ids and the BibTeX text, as one object.
    """
    from bot.app import SetupError, parse_target
    from bot.core.clock import SystemClock
    from bot.core.voice.desk import VoiceDesk
    from bot.core.voice.records import Kind

    settings = load(config)
    try:
        target = parse_target(channel)
    except SetupError as error:
        raise fail(str(error)) from None

    async def main() -> tuple[str, list[str]]:
        async with open_store(db, settings, existing=True) as store:
            kind: Kind | None = "save" if user else None
            papers = await store.reactions.exported(target.platform, target.channel, user, kind)
            text = await VoiceDesk(store, SystemClock()).bibtex(papers)
            return text, [paper.arxiv_id for paper in papers]

    text, ids = run(main())
    count = len(ids)
    whose = "that member's saved papers" if user else "its reading list"
    if not count:
        raise fail(f"nothing to export: {target} has no papers in {whose}", code=1)
    if form is OutputFormat.JSON:
        print_json({"channel": str(target), "papers": ids, "bibtex": text})
        return
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    typer.echo(f"exported {count} papers ({whose} in {target})", err=True)
