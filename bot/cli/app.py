"""The ``paperbot`` Typer application that every command module registers on."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(
    name="paperbot",
    help="Hugging Face Daily Papers summary cards for Discord and Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _print_version(asked: bool) -> None:
    """``--version``: the installed package's version, from its metadata (one source of truth)."""
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("paperbot")
        except PackageNotFoundError:  # run from a checkout that was never installed
            found = "unknown (not installed)"
        typer.echo(f"paperbot {found}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More logging (-vv: debug).")
    ] = 0,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Hugging Face Daily Papers summary cards for Discord and Slack.

    Start with `paperbot parse FILE` to see how a digest is read.
    """
    from .common import VERBOSITY

    VERBOSITY["level"] = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
