"""``paperbot discord …``: Discord-specific helpers."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import ConfigOption, FormatOption, OutputFormat, fail, load, print_json, run

__all__ = ["discord_app"]

discord_app = typer.Typer(help="Discord helpers.")
app.add_typer(discord_app, name="discord")


def _application_id(value: int | None) -> int | None:
    """Only a snowflake: any other number would make a link Discord refuses."""
    from bot.discord.platform import SNOWFLAKE

    if value is not None and SNOWFLAKE.fullmatch(str(value)) is None:
        raise typer.BadParameter(
            f"{value} is not an application id (17 to 20 digits, under Developer Portal → "
            "General Information → Application ID)"
        )
    return value


@discord_app.command("invite-url")
def invite_url_command(
    application_id: Annotated[
        int | None,
        typer.Option(
            "--application-id",
            callback=_application_id,
            help="The application's id (Developer Portal → General Information). "
            "Without it, DISCORD_TOKEN is used to ask Discord.",
        ),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    config: ConfigOption = None,
) -> None:
    """Print the link that adds paperbot to a server, with only the permissions it needs."""
    from bot.config import Secrets
    from bot.discord.errors import DiscordSetupError
    from bot.discord.invite import invite_url
    from bot.discord.platform import settings as discord_settings
    from bot.discord.poster import discord_poster

    if application_id is None:
        settings = load(config)

        async def ask() -> int:
            table, token = discord_settings(settings), Secrets.from_env().discord_token
            async with discord_poster(table, token) as poster:
                found = poster.application_id
            if found is None:
                raise DiscordSetupError("Discord did not report the application id")
            return int(found)

        try:
            application_id = run(ask())
        except DiscordSetupError as error:
            raise fail(f"{error} (or pass --application-id)") from None
    url = invite_url(application_id)
    if output is OutputFormat.JSON:
        print_json({"application_id": str(application_id), "url": url})
    else:
        typer.echo(url)
