"""Starting and stopping :class:`SlackApp` in both modes, and refusing bad credentials.

Socket Mode runs end to end: the fake Web API hands out the URL of a websocket served here,
which plays Slack's part (``hello``, then a slash command envelope) and receives the ack.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import WSMsgType, web

from bot.config import Secrets
from bot.core.archive.lookup import Lookup
from bot.slack.app import SlackApp
from bot.slack.client import SlackSetupError
from bot.slack.config import SlackConfig
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.slack.conftest import SECRET, post_form, serve

BOT = "xoxb-paperbot-test"
APP = "xapp-paperbot-test"


class SocketModeServer:
    """Slack's end of a Socket Mode connection, as much as a test needs."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connected = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/link", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self.connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.received.put_nowait(json.loads(message.data))
        return ws

    async def send(self, envelope: dict[str, Any]) -> None:
        assert self._socket is not None
        await self._socket.send_json(envelope)


def config_for(slack: FakeSlackAPI, **fields: Any) -> SlackConfig:
    return SlackConfig(api_base_url=slack.base_url, **fields)


def secrets(**values: str) -> Secrets:
    env = {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "SLACK_SIGNING_SECRET": SECRET}
    env.update(values)
    return Secrets.from_env({k: v for k, v in env.items() if v})


@pytest.fixture
async def socket_server(slack: FakeSlackAPI) -> AsyncIterator[SocketModeServer]:
    server = SocketModeServer()
    async with serve(server.app()) as base:
        slack.workspace.ws_url = lambda: base.replace("http://", "ws://") + "/link"
        yield server


async def test_socket_mode_acks_a_command_and_answers_it(
    slack: FakeSlackAPI, lookup: Lookup, socket_server: SocketModeServer
) -> None:
    async with SlackApp(config_for(slack), secrets(SLACK_SIGNING_SECRET=""), lookup):
        await asyncio.wait_for(socket_server.connected.wait(), 5)
        url = slack.response_url()
        payload = dict(parse_qsl(slash_command_body("/paper", "2601.01234", response_url=url)))
        await socket_server.send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        ack = await asyncio.wait_for(socket_server.received.get(), 5)
        assert ack["envelope_id"] == "env-1"
        await slack.wait_until(lambda: bool(slack.responses(url)))
    (answer,) = slack.responses(url)
    assert "자기 검증" in answer.args["blocks"][0]["text"]["text"]
    assert [c.method for c in slack.requests[:2]] == ["auth.test", "apps.connections.open"]
    assert slack.calls("apps.connections.open")[0].headers["Authorization"] == f"Bearer {APP}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_http_mode_serves_signed_requests_on_the_configured_path(
    slack: FakeSlackAPI, lookup: Lookup
) -> None:
    config = config_for(slack, mode="http", port=free_port(), path="/slack/paperbot")
    app = SlackApp(config, secrets(SLACK_APP_TOKEN=""), lookup)
    async with app:
        assert app.url == f"http://127.0.0.1:{config.port}/slack/paperbot"
        url = slack.response_url()
        body = slash_command_body("/digest", "2026-01-05", response_url=url)
        assert await post_form(app.url, body, signed_headers(body, SECRET)) == 200
        assert await post_form(app.url, body, signed_headers(body, "forged")) == 401
        await slack.wait_until(lambda: bool(slack.responses(url)))
    assert app.url is None
    await app.stop()  # twice is fine


@pytest.mark.parametrize(
    ("mode", "missing", "named"),
    [
        ("socket", {"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
        ("socket", {"SLACK_APP_TOKEN": ""}, "SLACK_APP_TOKEN"),
        ("http", {"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        ("socket", {"SLACK_APP_TOKEN": "xoxb-wrong-kind-of-token"}, "SLACK_APP_TOKEN"),
        ("http", {"SLACK_BOT_TOKEN": "xapp-wrong-kind-of-token"}, "SLACK_BOT_TOKEN"),
    ],
)
async def test_missing_or_malformed_credentials_name_their_variable(
    slack: FakeSlackAPI, lookup: Lookup, mode: str, missing: dict[str, str], named: str
) -> None:
    given = secrets(**missing)
    with pytest.raises(SlackSetupError, match=named) as raised:
        SlackApp(config_for(slack, mode=mode), given, lookup)
    for value in given.values():
        assert value not in str(raised.value)


async def test_refused_tokens_fail_start_with_the_variable_named(
    slack: FakeSlackAPI, lookup: Lookup
) -> None:
    with pytest.raises(SlackSetupError, match=r"Slack refused SLACK_BOT_TOKEN \(invalid_auth\)"):
        await SlackApp(config_for(slack), secrets(SLACK_BOT_TOKEN="xoxb-revoked"), lookup).start()
    app = SlackApp(config_for(slack), secrets(SLACK_APP_TOKEN="xapp-revoked"), lookup)
    with pytest.raises(SlackSetupError, match=r"Slack refused SLACK_APP_TOKEN \(invalid_auth\)"):
        await app.start()
    await app.stop()
