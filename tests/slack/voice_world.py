"""A whole paperbot on the Slack fake for the voice tests: store, desk, editor, poster, Bolt.

Real parts throughout: a SQLite store with the example digest, the voice desk and count
editor on a fake clock, the Slack poster and the Bolt app on the real slack_sdk client, the
fake Slack Web API on loopback. :class:`World` plays Slack's part too: it posts a day's cards
through the outbox worker, and sends signed slash commands and clicks as any user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.archive.lookup import Lookup
from bot.core.delivery.worker import Worker
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.editor import CountEditor
from bot.slack.app import build_bolt_app
from bot.slack.poster import SlackPoster
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    block_actions_payload,
    encode_payload,
    signed_headers,
    slash_command_body,
)
from tests.slack.conftest import SECRET, fake_client, post_form, serve

DAY = dt.date(2026, 1, 5)
PAPER = "2601.01234"
CHANNEL = "C0PAPERS"
TEAM = "T0PAPERBOT"

Message = dict[str, Any]


@dataclass
class World:
    """The running parts, and Slack's side of the conversation."""

    slack: FakeSlackAPI
    store: Store
    clock: FakeClock
    desk: VoiceDesk
    editor: CountEditor
    poster: SlackPoster
    url: str

    async def post_day(self, *papers: str, channel: str = CHANNEL) -> dict[str, str]:
        """Deliver ``papers`` of :data:`DAY` to ``channel``; each paper's message ``ts``."""
        worker = Worker(self.store, {"slack": self.poster}, self.clock)
        await worker.outbox.plan("slack", channel, DAY, list(papers))
        await worker.run_until_idle()
        return {
            m.metadata["event_payload"]["paper"]: m.ts
            for m in self.slack.posted(channel)
            if m.metadata and m.metadata["event_type"] == "paperbot_card"
        }

    def message(self, ts: str, channel: str = CHANNEL) -> Message:
        (found,) = [m for m in self.slack.posted(channel) if m.ts == ts]
        return {"blocks": found.blocks, "text": found.text}

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U0READER",
        channel: str = CHANNEL,
        until_blocks: bool = False,
    ) -> list[Message]:
        """Every ephemeral answer to a signed slash command.

        With ``until_blocks``, waits for the first answer with blocks (a card): anything said
        before it (a notice) has arrived by then.
        """
        url = self.slack.response_url()
        body = slash_command_body(command, text, response_url=url, user_id=user, channel_id=channel)
        return await self._send(body, url, until_blocks=until_blocks)

    async def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0READER",
        message_ts: str | None = None,
        option: Message | None = None,
        channel: str = CHANNEL,
    ) -> list[Message]:
        """Every answer to a click on a button (or, with ``option``, a select)."""
        url = self.slack.response_url()
        payload = block_actions_payload(
            action_id, value, response_url=url, user_id=user, message_ts=message_ts,
            channel_id=channel,
        )  # fmt: skip
        if option is not None:
            payload["actions"][0] = {
                "type": "static_select",
                "action_id": action_id,
                "block_id": "actions",
                "selected_option": option,
                "action_ts": "1716800000.123456",
            }
        return await self._send(encode_payload(payload), url)

    async def _send(self, body: str, url: str, *, until_blocks: bool = False) -> list[Message]:
        def arrived() -> bool:
            got = self.slack.responses(url)
            if until_blocks:
                return any("blocks" in r.args for r in got)
            return bool(got)

        assert await post_form(self.url, body, signed_headers(body, SECRET)) == 200
        await self.slack.wait_until(arrived)
        records = self.slack.responses(url)
        assert [r.error for r in records if not r.ok] == []
        return [r.args for r in records]


@contextlib.asynccontextmanager
async def world(
    slack: FakeSlackAPI,
    db: Path,
    *,
    clock: FakeClock | None = None,
    admins: tuple[str, ...] = (),
    ingest: bool = True,
) -> AsyncIterator[World]:
    """Open the store at ``db`` (with :data:`DAY`'s digest) and serve the app on ``slack``."""
    clock = clock or FakeClock()
    async with Store.open(db) as store:
        if ingest:
            await ingest_digest(store, db.parent, DAY)
        client = fake_client(slack)
        poster = SlackPoster(client)
        editor = CountEditor(store, {"slack": poster}, clock)
        desk = VoiceDesk(store, clock, editor=editor)
        app = build_bolt_app(Lookup(store), client, SECRET, voice=desk, admins=admins)
        async with serve(app.web_app()) as base:
            yield World(slack, store, clock, desk, editor, poster, f"{base}/slack/events")


def button(message: Message, action_id: str) -> Message:
    """The element ``action_id`` of a message's actions rows."""
    found = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    ]
    assert found, f"no {action_id}"
    return found[0]


def texts(answers: list[Message]) -> str:
    """Every text of the answers: top-level and section blocks."""
    parts = []
    for answer in answers:
        parts.append(str(answer.get("text") or ""))
        for block in answer.get("blocks") or []:
            if block.get("type") == "section":
                parts.append(block["text"]["text"])
    return "\n".join(parts)
