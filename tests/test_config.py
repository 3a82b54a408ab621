"""Config files: defaults, strictness and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, SubscriptionConfig, load_config
from tests.conftest import ROOT


def test_example_config_is_valid_and_runs_the_console_daily() -> None:
    example = load_config(ROOT / "config.example.toml")
    defaults = Config()
    # Every platform and delivery value shown is the default ...
    assert (example.storage, example.slack, example.discord, example.delivery) == (
        defaults.storage,
        defaults.slack,
        defaults.discord,
        defaults.delivery,
    )
    # ... and the daily run is set up to work with no credentials at all.
    (console,) = example.subscriptions
    assert (console.platform, console.time, console.timezone) == ("console", "08:00", "Asia/Seoul")
    assert example.sources.watch == ("examples",) and example.schedule.post_at_start


def _shown(config: Config, table: str, key: str) -> object:
    """``key`` of ``table`` ("delivery.slack", "subscriptions": the first) in ``config``."""
    value: object = config
    for name in table.split("."):
        value = getattr(value, name)
    if isinstance(value, tuple):  # [[subscriptions]]
        value = value[0]
    return getattr(value, key)


def test_every_value_shown_is_the_default_unless_it_says_otherwise() -> None:
    """The file's promise, line by line: what differs from the default says so."""
    path = ROOT / "config.example.toml"
    example = load_config(path)
    defaults = Config(subscriptions=(SubscriptionConfig(platform="console", channel="any"),))
    table, checked = "", 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if header := re.match(r"^\[\[?([\w.]+)\]\]?", line):
            table = header.group(1)
            continue
        if not (key := re.match(r"^(\w+)\s*=", line)) or key.group(1) in {"platform", "channel"}:
            continue  # [[subscriptions]] platform and channel are required: no default
        checked += 1
        shown, default = _shown(example, table, key.group(1)), _shown(defaults, table, key.group(1))
        if shown != default:
            assert "not the default" in line, f"[{table}] {line.strip()}: default {default!r}"
    assert checked >= 30  # the walk saw the whole file


def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\npaht = "x.db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"storage\.paht"):
        load_config(path)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[storage\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERBOT_CONFIG", raising=False)
    assert load_config() == Config()


@pytest.mark.parametrize(
    ("toml", "where", "env"),
    [
        ('[slack]\nbot_token = "xoxb-1-s3kr1t"\n', "slack.bot_token", "SLACK_BOT_TOKEN"),
        ('[slack]\napp_token = "xapp-1-s3kr1t"\n', "slack.app_token", "SLACK_APP_TOKEN"),
        ('[slack]\nsigning_secret = "s3kr1t"\n', "slack.signing_secret", "SLACK_SIGNING_SECRET"),
        ('[slack]\ntoken = "xoxb-s3kr1t"\n', "slack.token", "SLACK_BOT_TOKEN"),
        ('[discord]\ntoken = "MTIz.s3kr1t"\n', "discord.token", "DISCORD_TOKEN"),
        ('[discord]\nbot_token = "MTIz.s3kr1t"\n', "discord.bot_token", "DISCORD_TOKEN"),
        ('discord_token = "MTIz.s3kr1t"\n', "discord_token", "DISCORD_TOKEN"),
        ('slack_bot_token = "xoxb-s3kr1t"\n', "slack_bot_token", "SLACK_BOT_TOKEN"),
        (
            '[secrets]\nslack_app_token = "xapp-s3kr1t"\n',
            "secrets.slack_app_token",
            "SLACK_APP_TOKEN",
        ),
    ],
)
def test_a_secret_in_the_file_is_sent_to_the_environment_and_never_echoed(
    tmp_path: Path, toml: str, where: str, env: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert f"{where}: secrets go in the environment: {env}" in message
    assert "s3kr1t" not in message


def test_an_unknown_secret_key_names_every_variable(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\npassword = "s3kr1t"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert "storage.password: secrets go in the environment: DISCORD_TOKEN, SLACK_" in message
    assert "s3kr1t" not in message


def test_each_registered_platform_brings_its_table_pacing_and_secrets() -> None:
    """The config is built from the registrations: a new platform needs no edit here."""
    from bot.config import SECRET_ENV, DeliveryConfig, Secrets
    from bot.platforms import PLATFORMS

    config = Config()
    for platform in PLATFORMS:
        if platform.settings is not None:
            assert config.section(platform.name, platform.settings) == platform.settings()
        assert DeliveryConfig().pacing(platform.name) == platform.pacing
        for secret in platform.secrets:
            assert SECRET_ENV[secret.field] == secret.env
            assert getattr(Secrets.from_env({secret.env: "v"}), secret.field) == "v"
    with pytest.raises(LookupError):
        config.section("irc", Config)


def test_the_registered_variable_names_are_the_ones_the_adapters_check() -> None:
    from bot.config import SECRET_ENV
    from bot.discord.errors import TOKEN_ENV
    from bot.slack.client import APP_TOKEN_ENV, BOT_TOKEN_ENV, SIGNING_SECRET_ENV

    assert SECRET_ENV == {
        "discord_token": TOKEN_ENV,
        "slack_bot_token": BOT_TOKEN_ENV,
        "slack_app_token": APP_TOKEN_ENV,
        "slack_signing_secret": SIGNING_SECRET_ENV,
    }


def test_subscription_filters_are_checked_as_chat_checks_them(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    base = '[[subscriptions]]\nplatform = "console"\nchannel = "console"\n'
    path.write_text(base + 'include = ["강화 학습", "RL"]\ntop = 10\nmode = "weekly"\n')
    (sub,) = load_config(path).subscriptions
    assert [t.text for t in sub.filters().include] == ["강화 학습", "RL"]
    assert (sub.filters().top, sub.mode, sub.weekday) == (10, "weekly", "mon")
    for bad in ('include = ["@everyone"]', "top = 0", 'mode = "hourly"', 'weekday = "someday"'):
        path.write_text(base + bad + "\n")
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert "@everyone" not in str(error.value)


@pytest.mark.parametrize(
    ("discord", "problem"),
    [
        ("shard_ids = [0]", "shard_ids needs shard_count"),
        ("shard_count = 2\nshard_ids = [0, 2]", r"shard_ids \[2\] out of range: shards are 0 to 1"),
        ("shard_count = 2\nshard_ids = [1, 1]", "shard_ids lists a shard twice"),
        ("shard_count = 2\nshard_ids = []", "shard_ids is empty"),
    ],
)
def test_shard_ids_must_be_shards_of_the_count(tmp_path: Path, discord: str, problem: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[discord]\n{discord}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_shard_ids_split_the_shards_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[discord]\nshard_count = 4\nshard_ids = [1, 3]\n", encoding="utf-8")
    assert load_config(path).discord.shard_ids == (1, 3)
