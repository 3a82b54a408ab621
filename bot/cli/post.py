"""``paperbot post FILE [--to TARGET]``: archive a digest and post its cards to a channel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import ConfigOption, DbOption, fail, load, open_store, run

__all__ = ["post"]


@app.command()
def post(
    file: Annotated[Path, typer.Argument(help="A digest Markdown file.")],
    to: Annotated[
        str,
        typer.Option("--to", help="console (default), slack:CHANNEL_ID or discord:CHANNEL_ID."),
    ] = "console",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Post a digest: its header card, then one card per paper, in order.

    The digest is archived first, so /paper and /section can show its papers afterwards.
    Without --to the cards are shown in this terminal, exactly as a channel would get them.
    """
    from bot.app import SetupError, open_poster, parse_target
    from bot.config import Secrets
    from bot.core.delivery import deliver, plan_posts
    from bot.core.ingest import ingest_file

    settings = load(config)
    try:
        target = parse_target(to)
    except SetupError as error:
        raise fail(str(error)) from None

    async def main() -> int:
        async with open_store(db, settings) as store:
            done = await ingest_file(store, file)
        if done.digest is None or done.result is None:
            typer.echo(done.error or f"{file}: cannot be posted", err=True)
            return 2 if done.digest is None else 1
        plan = plan_posts(done.digest, target.channel)
        try:
            async with open_poster(target, settings, Secrets.from_env()) as poster:
                sent = await deliver(poster, plan)
        except SetupError as error:
            typer.echo(str(error), err=True)
            return 2
        typer.echo(f"posted {len(sent)} messages to {target}", err=True)
        return 0

    code = run(main())
    if code:
        raise typer.Exit(code)
