"""One check for "within every Discord limit", shared by the render and command tests.

Two independent judges: the fake's validator (Discord's rules as the fake server applies them,
counted in code points) and a stricter count in UTF-16 units against ``bot.discord.limits``,
so a renderer that only passes the fake's count by luck still fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.fakes.discord_validation import FormErrors, validate_message

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.cards.text import utf16_len
from bot.discord import limits

#: A ping Discord would honour: ``@everyone``, ``@here``, ``<@id>``, ``<@!id>``, ``<@&id>``.
PING = re.compile(r"@(?:everyone|here)|<@[!&]?\d+>")


def _u(text: Any) -> int:
    return utf16_len(text) if isinstance(text, str) else 0


def texts_of(embed: Mapping[str, Any]) -> list[str]:
    """Every text of an embed payload that Discord renders."""
    texts = [embed.get("title"), embed.get("description")]
    texts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
    for field in embed.get("fields") or []:
        texts += [field.get("name"), field.get("value")]
    return [t for t in texts if isinstance(t, str)]


def message_problems(body: Mapping[str, Any]) -> list[str]:
    """Why Discord would refuse (or mis-render) a message body; ``[]`` when it is fine."""
    problems: list[str] = []
    errors = FormErrors()
    validate_message(body, errors)
    if errors:
        problems.append(f"fake Discord refuses it: {errors.body()['errors']}")
    embeds = body.get("embeds") or []
    if len(embeds) > limits.EMBEDS_PER_MESSAGE:
        problems.append(f"{len(embeds)} embeds")
    total = 0
    for i, embed in enumerate(embeds):
        checks = [
            ("title", _u(embed.get("title")), limits.EMBED_TITLE_MAX),
            ("description", _u(embed.get("description")), limits.EMBED_DESCRIPTION_MAX),
            ("footer", _u((embed.get("footer") or {}).get("text")), limits.EMBED_FOOTER_MAX),
            ("author", _u((embed.get("author") or {}).get("name")), limits.EMBED_AUTHOR_MAX),
            ("fields", len(embed.get("fields") or []), limits.EMBED_FIELDS_MAX),
        ]
        for j, field in enumerate(embed.get("fields") or []):
            checks.append((f"field {j} name", _u(field["name"]), limits.EMBED_FIELD_NAME_MAX))
            checks.append((f"field {j} value", _u(field["value"]), limits.EMBED_FIELD_VALUE_MAX))
            if not field["value"].strip() or not field["name"].strip():
                problems.append(f"embed {i} field {j} is blank")
        problems += [f"embed {i} {what}: {n} > {top}" for what, n, top in checks if n > top]
        total += sum(_u(t) for t in texts_of(embed))
        problems += [f"embed {i} pings: {t!r}" for t in texts_of(embed) if PING.search(t)]
    if total > limits.EMBED_TOTAL_MAX:
        problems.append(f"embeds total {total} > {limits.EMBED_TOTAL_MAX}")
    if PING.search(str(body.get("content") or "")):
        problems.append("content pings")
    problems += _component_problems(body.get("components") or [])
    return problems


def _component_problems(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > limits.ROWS_PER_MESSAGE:
        problems.append(f"{len(rows)} action rows")
    for row in rows:
        for item in row.get("components") or []:
            custom_id = item.get("custom_id")
            if custom_id is not None and len(custom_id) > limits.CUSTOM_ID_MAX:
                problems.append(f"custom_id {custom_id!r} too long")
            if len(item.get("options") or []) > limits.SELECT_OPTIONS_MAX:
                problems.append("too many select options")
    return problems


def body_of(embeds: Iterable[discord.Embed], view: discord.ui.View | None = None) -> dict[str, Any]:
    """The message body discord.py would send for these embeds and components."""
    body: dict[str, Any] = {"embeds": [e.to_dict() for e in embeds]}
    if view is not None:
        body["components"] = view.to_components()
    return body


def assert_sendable(body: Mapping[str, Any], what: str = "message") -> None:
    """Fail with every problem listed."""
    problems = message_problems(body)
    assert not problems, f"{what}: " + "; ".join(problems)
