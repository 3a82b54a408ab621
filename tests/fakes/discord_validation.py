"""Discord's request-body limits, checked the way Discord checks them.

discord.py enforces almost none of these (only the 10-embed count), so a bot that overflows a
field learns about it from a ``400 Invalid Form Body`` in production. The fake answers the same
way, with the nested ``errors`` tree discord.py flattens into ``HTTPException.text`` (for
example ``In embeds.0.title: Must be 256 or fewer in length.``).

Sources: discord-api-docs ``resources/message.md`` (embed limits), ``components/reference.md``,
``interactions/application-commands.md``, ``interactions/receiving-and-responding.md``; the
error shape from ``reference.md`` ("Error Messages"). Lengths are counted in code points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs: pip install types-regex

__all__ = [
    "AUTHOR_NAME_MAX",
    "CHOICES_MAX",
    "CHOICE_NAME_MAX",
    "COMMAND_DESCRIPTION_MAX",
    "COMMAND_NAME_MAX",
    "CONTENT_MAX",
    "CUSTOM_ID_MAX",
    "EMBEDS_MAX",
    "EMBED_DESCRIPTION_MAX",
    "EMBED_FIELDS_MAX",
    "EMBED_TITLE_MAX",
    "EMBED_TOTAL_MAX",
    "FIELD_NAME_MAX",
    "FIELD_VALUE_MAX",
    "FOOTER_TEXT_MAX",
    "NONCE_MAX",
    "OPTIONS_MAX",
    "ROWS_MAX",
    "SELECT_OPTIONS_MAX",
    "FormErrors",
    "is_empty_message",
    "validate_choices",
    "validate_commands",
    "validate_message",
]

CONTENT_MAX = 2000
NONCE_MAX = 25
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_TEXT_MAX = 2048
AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000  # title + description + field names/values + footer + author, all embeds
ROWS_MAX = 5  # action rows per message (classic components)
ROW_ITEMS_MAX = 5  # buttons per row; a select fills a row on its own
SELECT_OPTIONS_MAX = 25
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
IS_COMPONENTS_V2 = 1 << 15  # message flag: layout components, where the 5-row rule is replaced

# application-commands.md, "Application Command Naming": lowercase where a lowercase exists.
_CHAT_INPUT_NAME = regex.compile(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")

Path = tuple[str | int, ...]


def _is_chat_input_name(name: str) -> bool:
    return _CHAT_INPUT_NAME.match(name) is not None and name == name.lower()


class FormErrors:
    """Collects field errors into Discord's nested ``{"a": {"0": {"_errors": [...]}}}`` tree.

    ``prefix`` roots every path, e.g. ``("data",)`` for the message inside an interaction
    callback, so discord.py reports ``In data.embeds.0.title`` as Discord would.
    """

    def __init__(self, prefix: Path = ()) -> None:
        self._prefix = prefix
        self._tree: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self._tree)

    def add(self, path: Path, code: str, message: str) -> None:
        """Record one error at ``path`` (keys and list indices, outermost first)."""
        node = self._tree
        for key in (*self._prefix, *path):
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: Path, value: Any, limit: int) -> None:
        """Flag a string or list longer than ``limit``; anything else is not our concern."""
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: Path, value: Any, low: int, high: int) -> None:
        """Flag a missing value or one whose length falls outside ``low..high``."""
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        elif not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def body(self) -> dict[str, Any]:
        """The JSON body of the 400 response."""
        return {"message": "Invalid Form Body", "code": 50035, "errors": self._tree}


def is_empty_message(body: Mapping[str, Any]) -> bool:
    """True when Discord would answer 50006 "Cannot send an empty message"."""
    keys = ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    return not any(body.get(key) for key in keys)


def validate_message(body: Mapping[str, Any], errors: FormErrors) -> None:
    """Check a create/edit message body (also an interaction response's ``data``)."""
    errors.max_length(("content",), body.get("content"), CONTENT_MAX)
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        errors.max_length(("nonce",), nonce, NONCE_MAX)
    embeds = body.get("embeds") or []
    errors.max_length(("embeds",), embeds, EMBEDS_MAX)
    total = sum(_validate_embed(embed, ("embeds", i), errors) for i, embed in enumerate(embeds))
    if total > EMBED_TOTAL_MAX:
        message = f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", message)
    components = body.get("components") or []
    if not int(body.get("flags") or 0) & IS_COMPONENTS_V2:
        errors.max_length(("components",), components, ROWS_MAX)
    for i, component in enumerate(components):
        _validate_component(component, ("components", i), errors)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _validate_embed(embed: Mapping[str, Any], path: Path, errors: FormErrors) -> int:
    """Check one embed and return the characters it adds to the 6000 total."""
    title, description = _text(embed.get("title")), _text(embed.get("description"))
    errors.max_length((*path, "title"), title, EMBED_TITLE_MAX)
    errors.max_length((*path, "description"), description, EMBED_DESCRIPTION_MAX)
    size = len(title) + len(description)
    fields = embed.get("fields") or []
    errors.max_length((*path, "fields"), fields, EMBED_FIELDS_MAX)
    for i, field in enumerate(fields):
        name, value = field.get("name"), field.get("value")
        errors.length_between((*path, "fields", i, "name"), name, 1, FIELD_NAME_MAX)
        errors.length_between((*path, "fields", i, "value"), value, 1, FIELD_VALUE_MAX)
        size += len(_text(name)) + len(_text(value))
    footer = _text((embed.get("footer") or {}).get("text"))
    author = _text((embed.get("author") or {}).get("name"))
    errors.max_length((*path, "footer", "text"), footer, FOOTER_TEXT_MAX)
    errors.max_length((*path, "author", "name"), author, AUTHOR_NAME_MAX)
    return size + len(footer) + len(author)


def _validate_component(component: Mapping[str, Any], path: Path, errors: FormErrors) -> None:
    errors.max_length((*path, "custom_id"), component.get("custom_id"), CUSTOM_ID_MAX)
    errors.max_length((*path, "label"), component.get("label"), BUTTON_LABEL_MAX)
    errors.max_length((*path, "options"), component.get("options"), SELECT_OPTIONS_MAX)
    _unique_option_values(component.get("options"), (*path, "options"), errors)
    children = component.get("components") or []
    if component.get("type") == 1:  # action row
        errors.max_length((*path, "components"), children, ROW_ITEMS_MAX)
    for i, child in enumerate(children):
        _validate_component(child, (*path, "components", i), errors)


def _unique_option_values(options: Any, path: Path, errors: FormErrors) -> None:
    """A select's option values identify the choice: Discord refuses a repeated one."""
    seen: set[Any] = set()
    for i, option in enumerate(options if isinstance(options, list) else []):
        value = option.get("value") if isinstance(option, Mapping) else None
        if value is None:  # a missing value is another error, not checked here
            continue
        if value in seen:
            errors.add(
                (*path, i),
                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                "The specified option value is already used",
            )
        seen.add(value)


def validate_choices(choices: Any, path: Path, errors: FormErrors) -> None:
    """Check command-option choices or an autocomplete answer (≤25, names 1–100)."""
    if not isinstance(choices, list):
        return
    errors.max_length(path, choices, CHOICES_MAX)
    for i, choice in enumerate(choices):
        errors.length_between((*path, i, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
        errors.max_length((*path, i, "value"), choice.get("value"), CHOICE_VALUE_MAX)


def validate_commands(commands: Sequence[Mapping[str, Any]], errors: FormErrors) -> None:
    """Check a bulk-overwrite body: names, descriptions, options and choices per command."""
    seen: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        kind = int(command.get("type") or 1)
        _validate_named(command, (i,), errors, chat_input=kind == 1)
        key = (str(command.get("name")), kind)
        if key in seen:
            errors.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
        seen.add(key)


def _validate_named(
    item: Mapping[str, Any], path: Path, errors: FormErrors, *, chat_input: bool
) -> None:
    """A command or option: name and description rules, then its options and choices."""
    name = item.get("name")
    errors.length_between((*path, "name"), name, 1, COMMAND_NAME_MAX)
    valid_length = isinstance(name, str) and 0 < len(name) <= COMMAND_NAME_MAX
    if chat_input and valid_length and not _is_chat_input_name(str(name)):
        errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    if chat_input:
        description = item.get("description")
        errors.length_between((*path, "description"), description, 1, COMMAND_DESCRIPTION_MAX)
    options = item.get("options") or []
    errors.max_length((*path, "options"), options, OPTIONS_MAX)
    for j, option in enumerate(options):
        _validate_named(option, (*path, "options", j), errors, chat_input=True)
    validate_choices(item.get("choices"), (*path, "choices"), errors)
