"""Channel ids are checked where a person types them: ``--to`` and ``[[subscriptions]]``."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.app import SetupError, Target, parse_target
from bot.config import SubscriptionConfig
from bot.platforms import channel_id_problem, check_channel_id
from bot.registry import ChannelIdError

DISCORD_ID = "1234567890123456789"
SLACK_ID = "C0123456789"


@pytest.mark.parametrize(
    ("platform", "channel"),
    [
        ("discord", "12345678901234567"),  # 17 digits: the oldest snowflakes
        ("discord", "18446744073709551615"),  # 20 digits: the largest
        ("slack", "C012AB3CD"),  # 9 characters
        ("slack", "G0123456789"),  # an older private channel
        ("slack", "D0123456789"),  # a direct message
        ("console", "terminal"),  # any name
    ],
)
def test_ids_of_each_platforms_shape_pass(platform: str, channel: str) -> None:
    assert check_channel_id(platform, channel) == channel
    assert channel_id_problem(platform, channel) is None


@pytest.mark.parametrize(
    ("platform", "channel"),
    [
        ("discord", "abc"),
        ("discord", "#papers"),
        ("discord", "1234"),
        ("discord", "123456789012345678901"),  # 21 digits: more than 64 bits
        ("discord", "１２３４５６７８９０１２３４５６７８"),  # full-width digits: int() takes them
        ("discord", "https://discord.com/channels/1/2"),
        ("slack", "general"),
        ("slack", "#general"),
        ("slack", "c0123456789"),
        ("slack", "U0123456789"),  # a user, not a channel
        ("slack", "C1"),
    ],
)
def test_other_text_is_refused_with_what_an_id_looks_like(platform: str, channel: str) -> None:
    with pytest.raises(ChannelIdError) as refused:
        check_channel_id(platform, channel)
    name = "Discord" if platform == "discord" else "Slack"
    example = DISCORD_ID if platform == "discord" else SLACK_ID
    message = str(refused.value)
    assert message.startswith(f"{channel!r} is not a {name} channel id (")
    assert example in message  # what one looks like
    assert ("Copy Channel ID" if platform == "discord" else "details") in message  # where


def test_post_to_parses_targets_and_refuses_bad_ids() -> None:
    assert parse_target("console") == Target("console", "console")
    assert parse_target(f" discord:{DISCORD_ID} ") == Target("discord", DISCORD_ID)
    assert parse_target(f"slack:{SLACK_ID}") == Target("slack", SLACK_ID)
    with pytest.raises(SetupError, match=r"^'abc' is not a Discord channel id \(17 to 20 digits"):
        parse_target("discord:abc")
    with pytest.raises(SetupError, match=r"^'general' is not a Slack channel id"):
        parse_target("slack:general")
    with pytest.raises(SetupError, match=r"^unknown target 'irc:#papers'"):
        parse_target("irc:#papers")


def test_subscriptions_in_the_config_need_real_ids() -> None:
    assert SubscriptionConfig(platform="discord", channel=DISCORD_ID).channel == DISCORD_ID
    assert SubscriptionConfig(platform="console", channel="terminal").channel == "console"
    with pytest.raises(ValidationError) as refused:
        SubscriptionConfig(platform="discord", channel="papers")
    (error,) = refused.value.errors()
    assert error["loc"] == ("channel",)
    assert "'papers' is not a Discord channel id" in error["msg"]
    with pytest.raises(ValidationError, match="'#general' is not a Slack channel id"):
        SubscriptionConfig(platform="slack", channel="#general")
