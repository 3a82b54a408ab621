"""Pointing a real discord.py client at the fake and running it for the length of a test.

Kept apart from the server so that the one module importing ``discord`` is small and its import
quirk (below) is handled in a single place.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import yarl

with warnings.catch_warnings():
    # discord.py's voice player imports the stdlib ``audioop``, deprecated since Python 3.11
    # (PEP 594). Under pytest's ``filterwarnings = error`` that import fails at collection, so
    # the first import is shielded here; once cached, ``import discord`` elsewhere is silent.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord

if TYPE_CHECKING:
    from tests.fakes.discord_api import FakeDiscord

__all__ = ["point_discord_at", "running_client"]


@contextlib.contextmanager
def point_discord_at(base_url: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the fake, restoring them after.

    ``Route.BASE`` is a plain string read whenever a ``Route`` is built (webhooks and
    interaction callbacks use it too); ``DEFAULT_GATEWAY`` must be a ``yarl.URL`` because
    discord.py calls ``.with_query(v=10, encoding=..., compress=...)`` on it.
    """
    old_base, old_gateway = (
        discord.http.Route.BASE,
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    discord.http.Route.BASE = base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def running_client(
    client: discord.Client, fake: FakeDiscord, *, reconnect: bool = False
) -> AsyncIterator[discord.Client]:
    """Log ``client`` in against ``fake``, connect, wait for ``on_ready``; close it after.

    Why not ``async with client: await client.start()``: a failed connection would then hang
    the test until its timeout. Here the connect task is watched, its error is raised, and the
    client is always closed, so aiohttp never warns about an unclosed session. Both steps
    give up after ``fake.wait_timeout`` seconds.
    """
    timeout = fake.wait_timeout
    connecting: asyncio.Task[None] | None = None
    failed = False
    try:
        await client.login(fake.token)
        connecting = asyncio.create_task(
            client.connect(reconnect=reconnect), name="fake-discord-connect"
        )
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, connecting}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if connecting in done:
                connecting.result()
            raise TimeoutError(f"discord.py did not become ready within {timeout}s")
        yield client
    except BaseException:
        failed = True
        raise
    finally:
        await client.close()
        if connecting is not None:
            done, _ = await asyncio.wait({connecting}, timeout=timeout)
            if not done:
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await connecting
            elif not connecting.cancelled() and not failed and connecting.exception() is not None:
                raise connecting.exception()  # type: ignore[misc]
