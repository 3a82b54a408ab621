"""The ``paperbot`` Typer application that every command module registers on."""

from __future__ import annotations

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


@app.callback()
def _root() -> None:
    """Hugging Face Daily Papers summary cards for Discord and Slack.

    Start with `paperbot parse FILE` to see how a digest is read.
    """
