"""What a chat platform tells paperbot about itself: one :class:`Platform` per platform.

Each platform's folder registers itself in ``bot/<platform>/platform.py``, and
:data:`bot.platforms.PLATFORMS` lists the registrations. Everything that used to name every
platform reads them instead: ``--to`` targets and their channel-id checks, ``paperbot post``'s
poster, what ``serve`` starts, the ``[<platform>]`` and ``[delivery.<platform>]`` tables, the
secrets read from the environment and the start-up messages that name them. So adding a
platform is its folder plus one registration line, and this module names none.

The hooks import their chat library inside the call, so reading the registry (which every
command does, ``paperbot parse`` and ``--help`` included) loads no chat library.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from bot.core.cards.listing import Fits, unpaged

if TYPE_CHECKING:
    from rich.console import Console

    from bot.config import Config, Secrets
    from bot.core.answers.subscription_answers import SubscriptionDesk
    from bot.core.archive.lookup import Lookup
    from bot.core.delivery.poster import Poster
    from bot.core.voice.desk import VoiceDesk

__all__ = [
    "ChannelIdError",
    "ChannelIds",
    "PacingConfig",
    "Platform",
    "Secret",
    "Serving",
    "SetupError",
    "either",
]

T = TypeVar("T")


class SetupError(Exception):
    """Something a user must fix before paperbot can start (a missing token, a bad target)."""


class ChannelIdError(ValueError):
    """A typed channel id does not have its platform's shape; the message says what does."""


def either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: how messages list the choices."""
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else "".join(words)


@dataclass(frozen=True, slots=True)
class ChannelIds:
    """What a platform's channel id looks like, checked wherever a person types one.

    A channel name, ``#papers`` or a mistyped id used to be accepted, planned in the outbox
    and then fail at every send. The shape is checked where an id is typed instead
    (``paperbot post --to``, ``retry --to``, ``[[subscriptions]]``), and the message says what
    a valid id looks like and where to copy one. Ids that come from the platform itself (the
    channel a ``/subscribe`` came from) need no check.
    """

    shape: re.Pattern[str]
    #: "a Discord channel id": what the refused text is not.
    what: str
    #: An example and where to find one; the message opens a parenthesis this closes.
    help: str

    def problem(self, channel: str) -> str | None:
        """Why ``channel`` cannot be such an id, or ``None`` if it can."""
        if self.shape.fullmatch(channel) is None:
            return f"{channel!r} is not {self.what} ({self.help}"
        return None

    def check(self, channel: str) -> str:
        """``channel`` itself when it has the shape.

        Raises:
            ChannelIdError: It does not; the message shows a valid id and where to find one.
        """
        problem = self.problem(channel)
        if problem is not None:
            raise ChannelIdError(problem)
        return channel


@dataclass(frozen=True, slots=True)
class Secret:
    """One credential: its :class:`~bot.config.Secrets` field and its environment variable."""

    field: str
    env: str
    #: A misplaced config key containing one of these words is taken to mean this secret.
    hints: tuple[str, ...] = ()


class PacingConfig(BaseModel):
    """Send rates for one platform, kept under its limits so a fan-out gets no 429."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    per_channel_per_second: float = Field(gt=0, description="messages/s in one channel")
    channel_burst: int = Field(default=1, ge=1, description="messages sent back to back")
    overall_per_second: float | None = Field(default=None, gt=0, description="across channels")
    overall_burst: int = Field(default=1, ge=1)


class Serving(Protocol):
    """What ``paperbot serve`` lends a platform while it starts (see :func:`bot.app.serve`)."""

    @property
    def config(self) -> Config:
        """The loaded config."""

    @property
    def secrets(self) -> Secrets:
        """Credentials from the environment."""

    @property
    def lookup(self) -> Lookup:
        """The archive, for answering commands."""

    def desk(self) -> SubscriptionDesk:
        """``/subscribe`` and friends, for this platform's channels."""

    @property
    def voice(self) -> VoiceDesk | None:
        """👍/🔖 presses, ``/saved``, ``/reading-list`` and ``/follow`` (None: not offered)."""

    async def enter(self, context: AbstractAsyncContextManager[T]) -> T:
        """Enter ``context`` until serve stops (it is exited in reverse start order)."""

    def spawn(self, name: str, run: Coroutine[Any, Any, None]) -> None:
        """Run ``run`` as a task until serve stops; if it ends first, serve stops with it."""


#: ``paperbot post``'s poster: config, secrets, and the terminal a console prints to (None:
#: stdout). Entered for one delivery and closed after it.
OpenPoster = Callable[
    ["Config", "Secrets", "Console | None"], AbstractAsyncContextManager["Poster"]
]
#: ``serve``'s start: the chat app (if any) and the poster, entered on ``serving``.
StartServing = Callable[[Serving], Awaitable["Poster"]]


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform's registration: everything outside its folder needs to know of it."""

    #: ``--to`` prefix, ``[name]`` and ``[delivery.name]`` tables, outbox and subscription value.
    name: str
    #: How messages name it ("Slack").
    title: str
    poster: OpenPoster
    serve: StartServing
    #: The shape of its channel ids; None when it has one implicit channel.
    channel_ids: ChannelIds | None = None
    #: Its one channel, when it has no ids (the console); ``--to`` is then just ``name``.
    one_channel: str | None = None
    #: Its cards appear in this process's terminal: they are their own progress, no receipt.
    in_terminal: bool = False
    #: The ``[name]`` table's model (in ``bot/<name>/config.py``); None: no table.
    settings: type[BaseModel] | None = None
    #: The default ``[delivery.name]``; None: sent unpaced (a terminal has no rate limit).
    pacing: PacingConfig | None = None
    #: Its credentials, the one that switches it on first. None: serve starts it when a
    #: channel of it is subscribed.
    secrets: tuple[Secret, ...] = ()
    #: What to set to serve it, for "nothing to serve" ("SLACK_BOT_TOKEN and …").
    credentials: str = ""
    #: Said after ``export TOKEN`` when a declared channel lacks it.
    token_hint: str = ""
    #: Its exceptions that mean "fix the setup, then restart" (imported when called).
    setup_errors: Callable[[], tuple[type[Exception], ...]] = tuple
    #: What one digest-listing page may hold in one message (imported when called); the
    #: default, for a platform without message limits, takes any page.
    listing_fits: Callable[[], Fits] = lambda: unpaged

    def __post_init__(self) -> None:
        if (self.channel_ids is None) == (self.one_channel is None):
            raise ValueError(f"{self.name}: give either channel_ids or one_channel")

    @property
    def token(self) -> Secret | None:
        """The secret whose presence switches the platform on, if it needs one."""
        return self.secrets[0] if self.secrets else None

    @property
    def target_form(self) -> str:
        """How ``--to`` names one of its channels: ``console`` or ``slack:CHANNEL_ID``."""
        return self.name if self.one_channel is not None else f"{self.name}:CHANNEL_ID"

    def check_channel(self, channel: str) -> str:
        """A typed channel, checked: any name is the one channel of a platform without ids.

        Raises:
            ChannelIdError: Not an id of this platform's shape.
        """
        if self.channel_ids is None:
            return channel
        return self.channel_ids.check(channel)
