"""A child process for the concurrent-open test: opens a new archive in step with its siblings.

The processes of a trial wait at a barrier and then open the same new file at once, as two
``paperbot`` commands started together would. They are forked from a forkserver that has
imported the store already: a fresh process per trial, at the cost of a fork.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.storage.sqlite.store import Store

if TYPE_CHECKING:
    from multiprocessing import Queue
    from multiprocessing.synchronize import Barrier

__all__ = ["open_new"]


def open_new(path: str, barrier: Barrier, results: Queue[str]) -> None:
    """Open ``path`` when every sibling is ready; report ``ok`` or the error."""

    async def open_it() -> None:
        async with Store.open(path, readers=1, background_index=False) as store:
            await store.dates()

    barrier.wait()
    try:
        asyncio.run(open_it())
    except Exception as error:  # reported, not raised: the parent counts them
        results.put(f"{type(error).__name__}: {error}")
    else:
        results.put("ok")
