"""``paperbot status`` and ``paperbot retry``: what the outbox delivered, and requeueing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

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
    from bot.core.outbox import ChannelStatus

__all__ = ["retry", "status"]


@app.command()
def status(
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Per channel: the last digest delivered, cards pending, failures with reasons, pauses."""
    from bot.core.clock import SystemClock
    from bot.core.outbox import Outbox

    settings = load(config)

    async def main() -> list[ChannelStatus]:
        async with open_store(db, settings) as store:
            return list(await Outbox(store, SystemClock()).status())

    channels = run(main())
    if output is OutputFormat.JSON:
        print_json(channels)
        return
    console = Console()
    if not channels:
        console.print("Nothing has been delivered yet: try [bold]paperbot post FILE[/bold].")
        return
    table = Table(title="deliveries")
    for column in ("channel", "last delivered", "pending", "failed", "paused"):
        table.add_column(column)
    for item in channels:
        table.add_row(
            f"{item.platform}:{item.channel}",
            item.last_delivered or "—",
            str(item.pending + item.sending),
            str(len(item.failed)),
            item.paused or "",
        )
    console.print(table)
    for item in channels:
        for day, paper, reason in item.failed:
            where = f"{item.platform}:{item.channel}"
            console.print(f"failed: {where} {day} {paper}: {reason}", markup=False)


@app.command()
def retry(
    to: Annotated[
        str | None, typer.Option("--to", help="Only this channel: slack:C… or discord:123….")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Requeue failed cards and resume paused channels, after the cause is fixed.

    The next `paperbot post` (or the running service) sends them, in order.
    """
    from bot.app import SetupError, parse_target
    from bot.core.clock import SystemClock
    from bot.core.outbox import Outbox

    settings = load(config)
    platform = channel = None
    if to is not None:
        try:
            target = parse_target(to)
        except SetupError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(2) from None
        platform, channel = target.platform, target.channel

    async def main() -> int:
        async with open_store(db, settings) as store:
            return await Outbox(store, SystemClock()).requeue(platform, channel)

    typer.echo(f"requeued {run(main())} failed messages; paused channels resumed")
