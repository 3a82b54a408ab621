"""How ``serve`` keeps its long-running parts: stop on a signal, stop when one of them ends.

Kept out of :mod:`bot.app`, which reads as the order things start in. A platform's chat app
and poster join the same exit stack through :class:`ServingContext`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.core.answers.subscription_answers import SubscriptionDesk
from bot.registry import SetupError

if TYPE_CHECKING:
    from bot.config import Config, Secrets
    from bot.core.archive.lookup import Lookup
    from bot.core.clock import Clock
    from bot.core.daily.planner import Planner
    from bot.core.daily.subscriptions import Subscriptions
    from bot.core.voice.desk import VoiceDesk

__all__ = ["ServingContext", "cancel", "halt", "stop_on_signals", "until_stopped"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServingContext:
    """What ``serve`` lends one platform while it starts (:class:`bot.registry.Serving`)."""

    platform: str
    stack: AsyncExitStack
    config: Config
    secrets: Secrets
    lookup: Lookup
    subscriptions: Subscriptions
    clock: Clock
    running: list[asyncio.Task[None]]
    planner: Planner | None = None  # for ``/subscribe preview``
    voice: VoiceDesk | None = None  # 👍/🔖 buttons, /saved, /reading-list, /follow

    def desk(self) -> SubscriptionDesk:
        return SubscriptionDesk(
            self.subscriptions, self.clock, self.platform, planner=self.planner,
            archive=self.lookup.store,
        )  # fmt: skip

    async def enter(self, context: AbstractAsyncContextManager[T]) -> T:
        return await self.stack.enter_async_context(context)

    def spawn(self, name: str, run: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(run, name=name)
        self.stack.push_async_callback(cancel, task)
        self.running.append(task)


async def until_stopped(
    stop: asyncio.Event,
    running: Sequence[asyncio.Task[None]],
    setup_errors: tuple[type[Exception], ...] = (),
) -> None:
    """Wait for a stop signal, or for a component to end (which is an error).

    Args:
        setup_errors: A platform's "fix the setup" errors (a refused token at connect), raised
            as :class:`SetupError` so the command says what to fix instead of a traceback.
    """
    stopper = asyncio.create_task(stop.wait(), name="stop")
    try:
        done, _ = await asyncio.wait([stopper, *running], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    for task in done:
        if task is stopper:
            continue
        error = task.exception()
        if isinstance(error, setup_errors):
            raise SetupError(str(error))
        if error is not None:
            raise error
        raise SetupError(f"{task.get_name()}: stopped unexpectedly")


async def halt(task: asyncio.Task[None], stop: Callable[[], None]) -> None:
    """Ask a component to stop, give it a moment to finish, then cancel it."""
    stop()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(asyncio.shield(task), 5)
    await cancel(task)


async def cancel(task: asyncio.Task[None]) -> None:
    """Stop a task and wait for it to close its connections."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def stop_on_signals() -> asyncio.Event:
    """An event SIGINT and SIGTERM set: no new sends start, and ``serve`` winds down."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    return stop
