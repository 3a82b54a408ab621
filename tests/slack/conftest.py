"""Fixtures for the Slack adapter: a real archive, the loopback fake, and the real Bolt app.

The archive is a real :class:`~bot.storage.sqlite.store.Store`, built once per session from the
example digest, the real digests in ``../shared/digests`` (when present) and a digest written here
whose first paper quotes every kind of Slack mention in its title and sections. Each test opens it
read-only-in-spirit through its own :class:`Lookup`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.archive.ingest import ingest_file
from bot.core.archive.lookup import Lookup
from bot.slack.app import build_bolt_app
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey
from tests.conftest import EXAMPLES, real_digest_paths
from tests.fakes.slack_api import FakeSlackAPI

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
SECRET = "paperbot-signing-secret"
CHANNEL = "C0PAPERS"
PRIVATE = "C0PRIVATE"  # the bot is not a member
MENTIONS = "<!channel> <!here> <@U123> <!everyone> @everyone @here @channel <#C0PAPERS>"
PINGING_PAPER = "2601.09001"
NEWEST = "2026-01-06"


def _entry(arxiv_id: str, n: int) -> str:
    ping = MENTIONS if n == 1 else ""
    title = f"Paper {n} {ping}".strip()
    sections = "\n\n".join(
        f"## {key.number}. {key.korean}\n\n**{key.english}** 부분은 {ping} 입니다. "
        f"[링크 {ping}](https://example.com/{n}) `{ping}`".strip()
        for key in SectionKey.ordered()
    )
    return (
        f"## {arxiv_id}\n🔗 https://huggingface.co/papers/{arxiv_id}\n\n**Summary**:\n"
        f'```markdown\n# 논문 요약: "{title}"\n\n{sections}\n```\n\n---\n'
    )


def write_pinging_digest(path: Path, papers: int = 7) -> Path:
    """A digest of :data:`NEWEST` with ``papers`` entries; the first quotes every mention."""
    entries = "\n".join(_entry(f"2601.0900{n}", n) for n in range(1, papers + 1))
    path.write_text(f"# 📰 Hugging Face Daily Papers – {NEWEST}\n\n{entries}", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive file, filled once for the whole session."""
    folder = tmp_path_factory.mktemp("slack-archive")
    path = folder / "archive.db"
    digests = [EXAMPLE, *real_digest_paths(), write_pinging_digest(folder / "pinging.md")]

    async def fill() -> None:
        async with Store.open(path) as store:
            for digest in digests:
                result = await ingest_file(store, digest)
                assert result.error is None, result.error

    asyncio.run(fill())
    return path


@pytest.fixture
async def lookup(archive_path: Path) -> AsyncIterator[Lookup]:
    async with Store.open(archive_path, readers=2) as store:
        yield Lookup(store)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI(channels={CHANNEL}) as fake:
        fake.add_channel(PRIVATE, member=False)
        yield fake


def fake_client(slack: FakeSlackAPI) -> AsyncWebClient:
    """A client on the fake without retries (tests that want them build their own)."""
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url, retry_handlers=[])


@contextlib.asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp application on 127.0.0.1 on a free port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def bolt_url(slack: FakeSlackAPI, lookup: Lookup) -> AsyncIterator[str]:
    """The real Bolt app with paperbot's listeners, served over HTTP on loopback."""
    app = build_bolt_app(lookup, fake_client(slack), SECRET)
    async with serve(app.web_app()) as base:
        yield f"{base}/slack/events"


async def post_form(url: str, body: str, headers: dict[str, str]) -> int:
    """POST ``body`` exactly as given; the HTTP status."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as response,
    ):
        await response.read()
        return response.status
