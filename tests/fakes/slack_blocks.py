"""The message checks Slack's servers make, so an adapter that breaks a limit fails in tests.

slack_sdk validates almost nothing before sending (it does not check the 2000-character field
limit, for instance), so these errors only ever come back from Slack. The fake answers with the
same error codes and, like Slack, explains ``invalid_blocks`` in ``response_metadata.messages``
with a JSON pointer to the offending value.

Only the block types and limits a summary card uses are checked in depth; any other block type
is accepted as is. Numbers come from Slack's Block Kit reference (docs.slack.dev/reference/
block-kit/blocks) unless marked otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BlockKitLimits", "Rejection", "check_message", "count_block_text"]


@dataclass(frozen=True)
class BlockKitLimits:
    """Server-side limits, adjustable so a test can probe one without building a huge card.

    Attributes:
        blocks: Blocks per message.
        section_text: Characters of a section's ``text``.
        section_fields: Number of a section's ``fields``.
        field_text: Characters of each section field.
        header_text: Characters of a header's ``plain_text``.
        context_elements: Elements of a context block.
        actions_elements: Elements of an actions block.
        button_text: Characters of a button label.
        button_value: Characters of a button ``value``.
        select_options: Options of a ``static_select``.
        option_text: Characters of an option's ``plain_text``.
        option_value: Characters of an option's ``value``.
        action_id: Characters of an ``action_id`` (and ``block_id``).
        total_block_text: Total characters of every ``text`` in the blocks before Slack answers
            ``msg_blocks_too_long``. Undocumented: observed at about 13.2k characters by
            others, so this is approximate; keep real cards well under it.
        message_text: Characters of top-level ``text`` kept; Slack truncates longer text.
    """

    blocks: int = 50
    section_text: int = 3000
    section_fields: int = 10
    field_text: int = 2000
    header_text: int = 150
    context_elements: int = 10
    actions_elements: int = 25
    button_text: int = 75
    button_value: int = 2000
    select_options: int = 100
    option_text: int = 75
    option_value: int = 150
    action_id: int = 255
    total_block_text: int = 13_200
    message_text: int = 40_000


@dataclass(frozen=True)
class Rejection:
    """Why Slack would refuse a message: the error code and the human-readable details."""

    error: str
    messages: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        """The JSON body Slack sends for this rejection."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


def check_message(
    text: Any,
    blocks: Any,
    *,
    attachments: Any = None,
    limits: BlockKitLimits | None = None,
) -> Rejection | None:
    """Check one message as ``chat.postMessage``/``chat.update`` would.

    Args:
        text: The top-level ``text`` (may be ``None``).
        blocks: The decoded ``blocks`` value (``None`` when absent).
        attachments: The decoded ``attachments``; they count as content for ``no_text``.
        limits: Limits to apply (Slack's by default).

    Returns:
        ``None`` when Slack would accept the message, else the :class:`Rejection`.
    """
    limits = limits or BlockKitLimits()
    if blocks is not None and not isinstance(blocks, list):
        return Rejection("invalid_blocks_format", ("blocks must be a JSON array",))
    if not text and not blocks and not attachments:
        return Rejection("no_text")
    if not blocks:
        return None
    problems = list(_block_problems(blocks, limits))
    if problems:
        return Rejection("invalid_blocks", tuple(problems))
    if count_block_text(blocks) > limits.total_block_text:
        return Rejection("msg_blocks_too_long")
    return None


def count_block_text(value: Any) -> int:
    """Total length of every string stored under a ``"text"`` key, however deep.

    That covers section text and fields, header and context text, button labels and rich-text
    runs: the visible text, which is what Slack's aggregate limit appears to count.
    """
    if isinstance(value, list):
        return sum(count_block_text(item) for item in value)
    if isinstance(value, Mapping):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else count_block_text(item)
            for key, item in value.items()
        )
    return 0


def _block_problems(blocks: list[Any], limits: BlockKitLimits) -> Iterator[str]:
    if len(blocks) > limits.blocks:
        yield f"must contain at most {limits.blocks} items [json-pointer:/blocks]"
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
            yield f"must be an object with a type [json-pointer:{where}]"
            continue
        yield from _too_long(block.get("block_id"), limits.action_id, f"{where}/block_id")
        kind = block["type"]
        if kind == "section":
            yield from _section(block, limits, where)
        elif kind == "header":
            yield from _text_object(
                block.get("text"), limits.header_text, f"{where}/text", plain=True
            )
        elif kind == "context":
            yield from _count(block.get("elements"), limits.context_elements, f"{where}/elements")
        elif kind == "actions":
            elements = block.get("elements")
            yield from _count(elements, limits.actions_elements, f"{where}/elements")
            for n, element in enumerate(elements if isinstance(elements, list) else []):
                yield from _button(element, limits, f"{where}/elements/{n}")
                yield from _select(element, limits, f"{where}/elements/{n}")


def _section(block: Mapping[str, Any], limits: BlockKitLimits, where: str) -> Iterator[str]:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        yield f"must provide either text or fields [json-pointer:{where}]"
    if text is not None:
        yield from _text_object(text, limits.section_text, f"{where}/text")
    if fields is not None:
        yield from _count(fields, limits.section_fields, f"{where}/fields")
        for n, field in enumerate(fields if isinstance(fields, list) else []):
            yield from _text_object(field, limits.field_text, f"{where}/fields/{n}")


def _button(element: Any, limits: BlockKitLimits, where: str) -> Iterator[str]:
    if not isinstance(element, Mapping) or element.get("type") != "button":
        return
    yield from _text_object(element.get("text"), limits.button_text, f"{where}/text", plain=True)
    yield from _too_long(element.get("value"), limits.button_value, f"{where}/value")
    yield from _too_long(element.get("action_id"), limits.action_id, f"{where}/action_id")


def _select(element: Any, limits: BlockKitLimits, where: str) -> Iterator[str]:
    """A ``static_select``: its options' count, labels and values, and values unique.

    Slack refuses a menu whose options share a ``value`` ("option object" reference: values
    identify the choice); the wording of the message is ours, the error code Slack's.
    """
    if not isinstance(element, Mapping) or element.get("type") != "static_select":
        return
    yield from _too_long(element.get("action_id"), limits.action_id, f"{where}/action_id")
    options = element.get("options")
    yield from _count(options, limits.select_options, f"{where}/options")
    seen: set[str] = set()
    for n, option in enumerate(options if isinstance(options, list) else []):
        at = f"{where}/options/{n}"
        if not isinstance(option, Mapping):
            yield f"must be an option object [json-pointer:{at}]"
            continue
        yield from _text_object(option.get("text"), limits.option_text, f"{at}/text", plain=True)
        value = option.get("value")
        if not isinstance(value, str) or not value:
            yield f"must provide a value [json-pointer:{at}/value]"
            continue
        yield from _too_long(value, limits.option_value, f"{at}/value")
        if value in seen:
            yield f"must provide unique option values [json-pointer:{at}/value]"
        seen.add(value)


def _text_object(obj: Any, limit: int, where: str, *, plain: bool = False) -> Iterator[str]:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("text"), str):
        yield f"must be a text object [json-pointer:{where}]"
        return
    if plain and obj.get("type") != "plain_text":
        yield f"must be plain_text [json-pointer:{where}/type]"
    if not obj["text"]:
        yield f"must be more than 0 characters [json-pointer:{where}/text]"
    yield from _too_long(obj["text"], limit, f"{where}/text")


def _count(items: Any, limit: int, where: str) -> Iterator[str]:
    if not isinstance(items, list) or not items:
        yield f"must be a non-empty array [json-pointer:{where}]"
    elif len(items) > limit:
        yield f"must contain at most {limit} items [json-pointer:{where}]"


def _too_long(value: Any, limit: int, where: str) -> Iterator[str]:
    if isinstance(value, str) and len(value) > limit:
        yield f"must be less than {limit + 1} characters [json-pointer:{where}]"
