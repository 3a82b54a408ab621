"""The Slack app: Bolt listeners on one archive, served over Socket Mode or HTTP.

Socket Mode (the default) needs no public URL: the app opens a websocket to Slack with the
app-level token. HTTP mode serves Bolt's aiohttp application on ``host:port/path`` and checks
every request's signature with the signing secret (Bolt answers 401 to a bad one). Either way
:class:`SlackApp` starts and stops inside the caller's event loop, so the composition root can
hold it in its ``AsyncExitStack`` next to the store and the Discord client::

    async with Store.open(config.storage.path) as store, SlackApp(
        config.slack, Secrets.from_env(), Lookup(store)
    ):
        await stop_requested.wait()

Credentials are checked before anything connects: a missing or refused token raises
:class:`~bot.slack.client.SlackSetupError` naming its environment variable.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from types import TracebackType
from typing import TYPE_CHECKING, Self

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from .client import (
    APP_TOKEN_ENV,
    BOT_TOKEN_ENV,
    SIGNING_SECRET_ENV,
    SlackSetupError,
    require_secret,
    web_client,
)
from .commands import PaperCommands
from .notice import Notices, plain
from .reading_commands import ReadingCommands
from .saved_commands import SavedCommands
from .subscription_commands import SubscriptionCommands
from .voice_buttons import VoiceButtons

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.config import Secrets
    from bot.core.answers.subscription_answers import SubscriptionDesk
    from bot.core.archive.lookup import Lookup
    from bot.core.voice.desk import VoiceDesk
    from bot.slack.config import SlackConfig

__all__ = ["SlackApp", "SlackSetupError", "build_bolt_app"]

_log = logging.getLogger(__name__)


def build_bolt_app(
    lookup: Lookup,
    client: AsyncWebClient,
    signing_secret: str,
    *,
    desk: SubscriptionDesk | None = None,
    admins: Collection[str] = (),
    voice: VoiceDesk | None = None,
) -> AsyncApp:
    """A Bolt app with paperbot's listeners, and nothing read from the environment.

    Bolt falls back to ``SLACK_BOT_TOKEN``/``SLACK_SIGNING_SECRET`` when not given them; passing
    the client (which carries the token) and the secret explicitly keeps config in one place.
    Socket Mode requests are not signed, so ``signing_secret`` may be empty there. With a
    ``desk`` the subscription commands are answered too (``paperbot serve`` passes one); with
    ``voice`` the 👍/🔖 buttons, ``/saved``, ``/reading-list``, ``/follow`` and ``/unfollow``,
    and every command first tells its member the desk's notice (:mod:`bot.slack.notice`).
    """
    app = AsyncApp(client=client, signing_secret=signing_secret, name="paperbot")
    command = plain(app) if voice is None else Notices(voice).on(app)
    PaperCommands(lookup).register(app, command)
    if desk is not None:
        SubscriptionCommands(desk, admins).register(app, command)
    if voice is not None:
        VoiceButtons(voice).register(app)
        SavedCommands(voice).register(app, command)
        ReadingCommands(voice, admins).register(app, command)
    return app


class SlackApp:
    """paperbot on Slack; ``async with`` it, or call :meth:`start` and :meth:`stop`.

    Args:
        config: ``[slack]`` settings (mode, HTTP address, API base URL).
        secrets: Tokens from the environment; which are required depends on the mode.
        lookup: The archive's query service.
        client: A Web API client to use instead of :func:`~bot.slack.client.web_client`.
        desk: Answers ``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` when given.
        voice: Answers the 👍/🔖 buttons, ``/saved``, ``/reading-list`` and ``/follow``.

    Raises:
        SlackSetupError: A credential the mode needs is missing or malformed.
    """

    def __init__(
        self,
        config: SlackConfig,
        secrets: Secrets,
        lookup: Lookup,
        *,
        client: AsyncWebClient | None = None,
        desk: SubscriptionDesk | None = None,
        voice: VoiceDesk | None = None,
    ) -> None:
        self.config = config
        token = require_secret(secrets.slack_bot_token, BOT_TOKEN_ENV, mode=config.mode)
        if config.mode == "socket":
            self._app_token = require_secret(secrets.slack_app_token, APP_TOKEN_ENV, mode="socket")
            signing_secret = secrets.slack_signing_secret or ""
        else:
            self._app_token = ""
            signing_secret = require_secret(
                secrets.slack_signing_secret, SIGNING_SECRET_ENV, mode="http"
            )
        self.client = client or web_client(config, token)
        self.bolt = build_bolt_app(
            lookup, self.client, signing_secret, desk=desk, admins=config.admins, voice=voice
        )
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str | None:
        """HTTP mode, once started: the request URL Slack must call (on the bound port)."""
        if self._runner is None or not self._runner.addresses:
            return None
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{self.config.path}"

    async def start(self) -> None:
        """Check the bot token with ``auth.test``, then connect (Socket Mode) or listen (HTTP).

        Raises:
            SlackSetupError: Slack refused a token.
        """
        try:
            me = await self.client.auth_test()
        except SlackApiError as error:
            raise _refused(BOT_TOKEN_ENV, error) from None
        _log.info("Slack: signed in as %s in %s", me.get("user"), me.get("team"))
        if self.config.mode == "socket":
            await self._start_socket_mode()
        else:
            await self._start_http()

    async def stop(self) -> None:
        """Disconnect or stop listening; safe to call twice or without :meth:`start`."""
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]  # Bolt: untyped
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _start_socket_mode(self) -> None:
        handler = AsyncSocketModeHandler(self.bolt, self._app_token, web_client=self.client)
        try:  # ask for the websocket URL here: the handler itself would retry a refusal forever
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except SlackApiError as error:
            await handler.close_async()  # type: ignore[no-untyped-call]
            raise _refused(APP_TOKEN_ENV, error) from None
        await handler.connect_async()  # type: ignore[no-untyped-call]
        self._socket = handler
        _log.info("Slack: connected in Socket Mode")

    async def _start_http(self) -> None:
        config = self.config
        runner = web.AppRunner(
            self.bolt.web_app(path=config.path, port=config.port),
            access_log=None,
            shutdown_timeout=2.0,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, config.host, config.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        _log.info("Slack: listening for requests at %s", self.url)


def _refused(env: str, error: SlackApiError) -> SlackSetupError:
    code = error.response.get("error") or f"HTTP {error.response.status_code}"
    return SlackSetupError(f"Slack refused {env} ({code}): check it in the app's settings.")
