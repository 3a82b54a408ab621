"""``paperbot serve``: chat apps in one loop, answered commands, clean stops."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from bot.app import serve
from bot.config import Config, Secrets
from bot.slack.config import SlackConfig
from tests.conftest import EXAMPLES
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command_body

SECRET = "test-signing-secret"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_answers_slack_commands_and_stops_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ingest = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ingest", str(EXAMPLES), "--db", str(db)
    )
    assert await ingest.wait() == 0
    port = free_port()
    async with FakeSlackAPI(wait_timeout=30) as slack:  # generous: a busy CI machine
        config = Config(slack=SlackConfig(mode="http", port=port, api_base_url=slack.base_url))
        secrets = Secrets(slack_bot_token=slack.bot_token, slack_signing_secret=SECRET)
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, secrets, str(db), stop=stop))
        body = slash_command_body("/paper", "2601.01234", response_url=slack.response_url())
        async with aiohttp.ClientSession() as session:
            for _ in range(1500):  # the HTTP listener comes up during start-up (≤ 30 s)
                try:
                    async with session.post(
                        f"http://127.0.0.1:{port}/slack/events",
                        data=body,
                        headers=signed_headers(body, SECRET),
                    ) as response:
                        assert response.status == 200
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.02)
        await slack.wait_until(lambda: bool(slack.responses()))
        assert "작은 언어 모델을 위한 자기 검증 추론" in slack.responses()[0].args["text"]
        stop.set()
        await asyncio.wait_for(service, 30)


async def test_sigterm_stops_serve_with_exit_0(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    async with FakeSlackAPI() as slack:
        config = tmp_path / "c.toml"
        config.write_text(
            f'[slack]\nmode = "http"\nport = {free_port()}\napi_base_url = "{slack.base_url}"\n',
            encoding="utf-8",
        )
        env |= {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": SECRET}
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "serve", "--db", str(tmp_path / "a.db")),
            *("--config", str(config)),
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        seen = ""
        while line := (await process.stderr.readline()).decode():
            seen += line  # start-up, however long the imports take
            if "answering slash commands" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest = (await process.stderr.read()).decode()
        assert await asyncio.wait_for(process.wait(), 20) == 0, seen + rest
    assert "stopping: finishing sends in flight, closing connections" in rest
    assert slack.bot_token not in seen + rest


async def test_unreachable_slack_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[slack]\nmode = "http"\nport = {free_port()}\napi_base_url = "http://127.0.0.1:9/api/"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {"SLACK_BOT_TOKEN": "xoxb-secret-123", "SLACK_SIGNING_SECRET": SECRET}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "serve", "--db", str(tmp_path / "a.db")),
        *("--config", str(config)),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "slack: cannot start" in err.decode() and "Traceback" not in err.decode()
    assert "xoxb-secret-123" not in err.decode()


async def _serve_once(config: Config, db: Path) -> None:
    """Start serve, let it settle until the outbox is idle, then stop it."""
    stop = asyncio.Event()
    service = asyncio.create_task(serve(config, Secrets(), str(db), stop=stop))
    from bot.core.clock import SystemClock
    from bot.core.delivery.outbox import Outbox
    from bot.storage.sqlite.store import Store

    async with Store.open(db) as store:
        outbox = Outbox(store, SystemClock())
        for _ in range(1500):  # until the planned day is delivered (≤ 30 s on a busy machine)
            await asyncio.sleep(0.02)
            status = await outbox.status() if not service.done() else []
            if status and all(s.pending == s.sending == 0 for s in status):
                break
    stop.set()
    await asyncio.wait_for(service, 30)


async def test_daily_run_posts_the_watched_digest_to_the_console_once(
    tmp_path: Path, capsys: object
) -> None:
    from bot.config import SubscriptionConfig
    from bot.core.daily.config import ScheduleConfig, SourcesConfig

    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "hf-daily-papers-2026-01-05.md").write_bytes(
        (EXAMPLES / "hf-daily-papers-2026-01-05.md").read_bytes()
    )
    config = Config(
        subscriptions=(SubscriptionConfig(platform="console", channel="console"),),
        schedule=ScheduleConfig(post_at_start=True),
        sources=SourcesConfig(watch=(str(folder),)),
    )
    db = tmp_path / "a.db"
    await _serve_once(config, db)
    first = capsys.readouterr().out  # type: ignore[attr-defined]
    assert first.count("작은 언어 모델을 위한 자기 검증 추론") == 1
    assert "Hugging Face Daily Papers – 2026-01-05 · 3 papers" in first
    await _serve_once(config, db)  # a restart at posting time posts nothing twice
    assert "작은 언어 모델" not in capsys.readouterr().out  # type: ignore[attr-defined]


async def test_the_quick_start_command_posts_the_example_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    """README's first command: the bundled config, no credentials, until Ctrl-C."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "serve", "--config", "config.example.toml"),
        *("--db", str(tmp_path / "quick.db")),
        cwd=ROOT,
        env=env | {"COLUMNS": "100"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    seen = ""
    while line := (await asyncio.wait_for(process.stderr.readline(), 60)).decode():
        seen += line
        if "delivered 4 messages" in line:
            break
    process.send_signal(signal.SIGINT)
    out, rest = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, seen + rest.decode()
    assert out.decode().count("작은 언어 모델을 위한 자기 검증 추론") == 1
    assert "Traceback" not in seen + rest.decode()
