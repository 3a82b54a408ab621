"""``paperbot serve``: the chat apps, the daily schedule and digest sources, until stopped."""

from __future__ import annotations

from .app import app
from .common import ConfigOption, DbOption, fail, load, run

__all__ = ["serve_command"]


@app.command("serve")
def serve_command(db: DbOption = None, config: ConfigOption = None) -> None:
    """Answer /paper, /section, /digest and /paper-search until Ctrl-C or SIGTERM.

    Platforms run when their tokens are set in the environment (see README.md).
    """
    from bot.app import SetupError
    from bot.config import Secrets
    from bot.service import NothingToServe, serve

    settings = load(config, service=True)
    path = str(db) if db is not None else settings.storage.path
    try:
        run(serve(settings, Secrets.from_env(), path))
    except (NothingToServe, SetupError) as error:
        raise fail(str(error)) from None
