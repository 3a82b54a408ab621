"""One check for every Slack payload we build: our limits, slack_sdk's models, the fake's rules.

Three independent judges, because each misses something: slack_sdk validates header and section
lengths and context sizes but not option labels or values; the fake Slack API checks what
Slack's servers check; our own limits add the 12,000-character card budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot.slack.limits import (
    ACTION_ID_MAX,
    ACTIONS_ELEMENTS_MAX,
    BUTTON_TEXT_MAX,
    BUTTON_VALUE_MAX,
    CARD_TOTAL_MAX,
    CONTEXT_ELEMENTS_MAX,
    HEADER_TEXT_MAX,
    MAX_BLOCKS,
    OPTION_TEXT_MAX,
    OPTION_VALUE_MAX,
    SECTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
)
from bot.slack.render import text_size
from tests.fakes.slack_blocks import check_message

__all__ = ["PING", "assert_blocks_ok", "pings", "strings"]

#: Slack's mention syntax: ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U…>``, ``<#C…>``,
#: ``<!subteam^…>``. None of it may reach Slack from digest text.
PING = re.compile(r"<[!@#]")


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON-like value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def pings(value: Any) -> list[str]:
    """The strings of ``value`` that contain mention syntax."""
    return [s for s in strings(value) if PING.search(s)]


def _element(element: Mapping[str, Any], where: str) -> None:
    assert len(element.get("action_id", "")) <= ACTION_ID_MAX, where
    if element["type"] == "button":
        assert 0 < len(element["text"]["text"]) <= BUTTON_TEXT_MAX, where
        assert len(element.get("value", "")) <= BUTTON_VALUE_MAX, where
    elif element["type"] == "static_select":
        options = element["options"]
        assert 0 < len(options) <= SELECT_OPTIONS_MAX, where
        for option in options:
            assert 0 < len(option["text"]["text"]) <= OPTION_TEXT_MAX, (where, option)
            assert 0 < len(option["value"]) <= OPTION_VALUE_MAX, (where, option)


def assert_blocks_ok(blocks: Sequence[Mapping[str, Any]], where: str = "message") -> None:
    """Fail with ``where`` unless ``blocks`` is a message Slack and slack_sdk both accept."""
    assert 0 < len(blocks) <= MAX_BLOCKS, f"{where}: {len(blocks)} blocks"
    for n, block in enumerate(blocks):
        at = f"{where} block {n} ({block['type']})"
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text", at
            assert 0 < len(block["text"]["text"]) <= HEADER_TEXT_MAX, at
        elif block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= SECTION_TEXT_MAX, at
        elif block["type"] == "context":
            assert 0 < len(block["elements"]) <= CONTEXT_ELEMENTS_MAX, at
        elif block["type"] == "actions":
            assert 0 < len(block["elements"]) <= ACTIONS_ELEMENTS_MAX, at
            ids = [e.get("action_id") for e in block["elements"]]
            assert len(ids) == len(set(ids)), f"{at}: duplicate action ids {ids}"
            for element in block["elements"]:
                _element(element, at)
        parsed = Block.parse(dict(block))
        assert parsed is not None, at
        assert parsed.to_dict() == block, f"{at}: slack_sdk reads it differently"
    assert text_size(blocks) < CARD_TOTAL_MAX, f"{where}: {text_size(blocks)} characters"
    rejection = check_message("fallback", list(blocks))
    assert rejection is None, f"{where}: the fake Slack API refuses it: {rejection}"
