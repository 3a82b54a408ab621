"""Keep what start-up left alive out of the garbage collector's way while serving.

A running paperbot holds some 70,000 objects from start-up (modules, classes, the chat
libraries' state) that live until it exits, and every full collection walks them again. Under
a crowd of commands full collections come about once a second, and each took 25-50 ms of the
event loop (up to 150 ms on a busy machine), which is latency for every command in flight;
with those objects frozen (:func:`gc.freeze`) a full collection took 3-5 ms
(``benchmarks/discord_bench.py``). Objects created later are collected as before.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["settled_heap"]


@contextlib.contextmanager
def settled_heap() -> Iterator[None]:
    """Collect start-up's garbage and freeze the rest for the block; unfreeze after it.

    Unfreezing gives the objects back to the collector, so a process that goes on after the
    block (a test run) collects them as usual.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
