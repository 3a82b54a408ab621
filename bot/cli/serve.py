"""``paperbot serve``: the chat apps, the daily schedule and digest sources, until stopped."""

from __future__ import annotations

from .app import app
from .common import ConfigOption, DbOption, database, fail, load, run

__all__ = ["serve_command"]


@app.command("serve")
def serve_command(db: DbOption = None, config: ConfigOption = None) -> None:
    r"""Post the daily digest on schedule and answer slash commands, until Ctrl-C or SIGTERM.

    Posts each subscribed channel the newest digest at its local time, once:
    \[\[subscriptions]] in the config, or /subscribe in chat. The log says when.
    Archives new digests from the watched folders (\[sources] watch), and polls
    each \[\[sources.http]] URL from its start time until the day's file is out.
    Answers the slash commands (/paper, /section, /digest, /paper-search,
    /subscribe) on Slack and Discord when their tokens are set in the
    environment: SLACK_BOT_TOKEN and SLACK_APP_TOKEN, or DISCORD_TOKEN.
    """
    from bot.app import NothingToServe, SetupError, serve
    from bot.config import Secrets

    settings = load(config, service=True)
    try:
        run(serve(settings, Secrets.from_env(), database(db, settings)))
    except (NothingToServe, SetupError) as error:
        raise fail(str(error)) from None
