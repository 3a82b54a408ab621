"""``paperbot parse FILE``: read a digest and show what paperbot understood."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.console.terminal import TerminalConsole, echo, json_dumps
from digest_parser import Digest, DigestParseError, SectionKey, parse_digest_file

from .app import app

__all__ = ["parse"]

#: Title column width in the table at most; longer titles wrap onto more lines.
TITLE_WIDTH = 48


class Format(StrEnum):
    """Output formats of ``paperbot parse``."""

    TABLE = "table"
    JSON = "json"


def _presence(digest_paper_sections: set[SectionKey]) -> str:
    return "".join(
        str(k.number) if k in digest_paper_sections else "·" for k in SectionKey.ordered()
    )


def _table(digest: Digest, console: Console) -> None:
    table = Table(
        title=Text(
            f"{digest.source or 'digest'} · {digest.date or 'no date'} · "
            f"{len(digest.papers)} papers"
        )
    )
    # Only the title gives way on a narrow terminal (it wraps); ids and counts are never cut.
    table.add_column("arXiv id", no_wrap=True)
    table.add_column("title", max_width=TITLE_WIDTH, overflow="fold")
    table.add_column("sections", no_wrap=True)
    table.add_column("warn", justify="right", no_wrap=True)
    per_paper: dict[str, int] = {}
    for warning in digest.warnings:
        if warning.paper:
            per_paper[warning.paper] = per_paper.get(warning.paper, 0) + 1
    for paper in digest.papers:
        table.add_row(
            Text(paper.arxiv_id),
            Text(paper.title or "—"),
            _presence({s.key for s in paper.sections}),
            str(per_paper.get(paper.arxiv_id, 0) or ""),
        )
    console.print(table)
    source = digest.source or "<input>"
    for warning in digest.warnings:
        echo(f"{source}:{warning.line}: {warning.message}")


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A digest Markdown file.")],
    output: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for programs.")
    ] = Format.TABLE,
    strict: Annotated[bool, typer.Option(help="Exit 1 when the digest has any warning.")] = False,
) -> None:
    """Parse a digest and show its papers, sections and warnings.

    Exit status: 0 when at least one paper parsed (1 with --strict if there were warnings),
    1 when no paper could be read, 2 when the file is unreadable or not a digest.
    """
    try:
        digest = parse_digest_file(file)
    except DigestParseError as error:
        echo(f"{error.location()}: {error.message}", err=True)
        raise typer.Exit(2) from None
    except OSError as error:
        echo(f"{file}:1: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None
    if output is Format.JSON:
        sys.stdout.write(json_dumps(digest.model_dump(mode="json")))
        sys.stdout.write("\n")
    else:
        _table(digest, TerminalConsole())
    if not digest.papers:
        echo(f"{digest.source}: no paper could be read", err=True)
        raise typer.Exit(1)
    if strict and digest.warnings:
        raise typer.Exit(1)
