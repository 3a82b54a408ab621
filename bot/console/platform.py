"""The console's registration: one channel, this terminal, no credentials.

``serve`` starts it when a channel of it is subscribed; ``paperbot post`` uses it by default.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

from bot.core.delivery.poster import CONSOLE_CHANNEL
from bot.registry import Platform

if TYPE_CHECKING:
    from rich.console import Console

    from bot.config import Config, Secrets
    from bot.core.delivery.poster import Poster
    from bot.registry import Serving

__all__ = ["CONSOLE"]

_log = logging.getLogger(__name__)


@asynccontextmanager
async def _poster(
    config: Config, secrets: Secrets, terminal: Console | None
) -> AsyncIterator[Poster]:
    from .poster import ConsolePoster

    yield ConsolePoster(terminal)


async def _serve(serving: Serving) -> Poster:
    from .poster import ConsolePoster

    poster = ConsolePoster()
    _log.info("console: posting subscribed digests to this terminal")
    return poster


CONSOLE: Final = Platform(
    name="console",
    title="console",
    poster=_poster,
    serve=_serve,
    # post and serve print to the same terminal, so they share one outbox history.
    one_channel=CONSOLE_CHANNEL,
    in_terminal=True,
)
