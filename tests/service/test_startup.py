"""What ``paperbot serve`` says as it starts: when each channel is posted, what is missing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.app import NothingToServe, SetupError, serve
from bot.cli import app
from bot.config import Config, Secrets, SubscriptionConfig
from bot.core.clock import SystemClock
from bot.core.daily.config import ScheduleConfig, SourcesConfig
from bot.core.daily.subscriptions import Subscriptions
from bot.slack.config import SlackConfig
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import SteppedClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.service.test_serve import SECRET, free_port

#: 06:50 on 2026-01-06 in Seoul: the example digest (2026-01-05) is the newest.
MORNING = dt.datetime(2026, 1, 6, 6, 50, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()


async def _start_and_stop(config: Config, db: Path, secrets: Secrets | None = None) -> None:
    """Run the whole start-up, then stop at once (the stop is already set)."""
    stop = asyncio.Event()
    stop.set()
    clock = SteppedClock(MORNING)
    await asyncio.wait_for(serve(config, secrets or Secrets(), str(db), stop=stop, clock=clock), 30)


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


async def test_start_up_says_when_each_channel_is_posted_next(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = Config(
        subscriptions=(
            SubscriptionConfig(
                platform="console", channel="console", time="09:30", timezone="Europe/Berlin"
            ),
            SubscriptionConfig(platform="slack", channel="C0123456789", paused=True),
        ),
    )
    await _start_and_stop(config, tmp_path / "a.db")
    lines = _lines(caplog)
    assert "config subscriptions: added console:console, slack:C0123456789" in lines
    assert (
        "console:console: next posting 2026-01-06 09:30 CET (daily at 09:30 Europe/Berlin)" in lines
    )
    assert not any("SyncReport" in line for line in lines)


async def test_start_up_says_a_paused_channel_gets_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = Config(subscriptions=(SubscriptionConfig(platform="console", paused=True),))
    await _start_and_stop(config, tmp_path / "a.db")
    assert "console:console: paused, nothing is posted there" in _lines(caplog)


async def test_post_at_start_says_which_digest_it_posts_now(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    config = Config(
        subscriptions=(SubscriptionConfig(platform="console"),),
        schedule=ScheduleConfig(post_at_start=True),
        sources=SourcesConfig(watch=(str(EXAMPLES),)),
    )
    await _start_and_stop(config, tmp_path / "a.db")
    assert (
        "console:console: next posting 2026-01-06 08:00 KST (daily at 08:00 Asia/Seoul); "
        "posting the 2026-01-05 digest now ([schedule] post_at_start)"
    ) in _lines(caplog)


async def test_no_subscription_says_nothing_is_posted_on_a_schedule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeSlackAPI() as slack:  # a platform to serve, and no channel subscribed
        config = Config(
            slack=SlackConfig(mode="http", port=free_port(), api_base_url=slack.base_url)
        )
        secrets = Secrets(slack_bot_token=slack.bot_token, slack_signing_secret=SECRET)
        await _start_and_stop(config, tmp_path / "a.db", secrets)
    assert (
        "no subscriptions: nothing is posted on a schedule; declare [[subscriptions]] in the "
        "config, or /subscribe in a Slack or Discord channel"
    ) in _lines(caplog)


@pytest.mark.parametrize(
    ("platform", "channel", "env"),
    [
        ("slack", "C0123456789", "SLACK_BOT_TOKEN"),
        ("discord", "123456789012345678", "DISCORD_TOKEN"),
    ],
)
async def test_a_declared_channel_without_its_token_says_which_token(
    tmp_path: Path, platform: str, channel: str, env: str
) -> None:
    declared = SubscriptionConfig.model_validate({"platform": platform, "channel": channel})
    config = Config(subscriptions=(declared,))
    with pytest.raises(SetupError) as raised:
        await _start_and_stop(config, tmp_path / "a.db")
    message = str(raised.value)
    assert f"declares {platform}:{channel}, but {env} is not set: export {env}" in message
    assert "declare [[subscriptions]]" not in message
    assert not (tmp_path / "a.db").exists()  # nothing was opened before the check


async def test_a_paused_declaration_needs_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = Config(
        subscriptions=(
            SubscriptionConfig(platform="slack", channel="C0123456789", paused=True),
            SubscriptionConfig(platform="console"),
        )
    )
    await _start_and_stop(config, tmp_path / "a.db")
    assert "console:console: next posting" in " ".join(_lines(caplog))


async def test_a_chat_made_channel_without_its_token_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "a.db"
    async with Store.open(db) as store:
        await Subscriptions(store, SystemClock()).add("slack", "C0CHAT", time="08:00")
    with pytest.raises(NothingToServe, match="slack:C0CHAT subscribed, but SLACK_BOT_TOKEN is not"):
        await _start_and_stop(Config(), db)
    console = Config(subscriptions=(SubscriptionConfig(platform="console"),))
    await _start_and_stop(console, db)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "slack:C0CHAT subscribed, but SLACK_BOT_TOKEN is not set" in " ".join(warned)


def test_serve_command_exits_2_naming_the_missing_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "c.toml"
    config.write_text(
        '[[subscriptions]]\nplatform = "slack"\nchannel = "C0123456789"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["serve", "--config", str(config), "--db", str(tmp_path / "a.db")]
    )
    assert result.exit_code == 2
    assert "slack:C0123456789, but SLACK_BOT_TOKEN is not set" in result.output


async def test_slack_secrets_without_the_bot_token_say_why_slack_is_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    console = Config(subscriptions=(SubscriptionConfig(platform="console"),))
    await _start_and_stop(console, tmp_path / "a.db", Secrets(slack_app_token="xapp-1-s3kr1t"))
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "Slack's other secrets are set but SLACK_BOT_TOKEN is not: Slack is off" in warned
    assert "s3kr1t" not in caplog.text
