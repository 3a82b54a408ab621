"""The interactive elements of paperbot's replies: share, page, open.

Every element carries a :class:`~bot.core.answers.query.Query` in its ``value``, as the JSON of
:meth:`~bot.core.answers.query.Query.fields` (:func:`query_value`), so the handler that receives
the click needs nothing but the archive to answer it (:func:`query_of`, then
:func:`~bot.core.answers.query.run_query`). Action ids are constants because the Bolt listeners
in :mod:`bot.slack.commands` match on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bot.core.answers.query import Query
from bot.core.cards.text import ZWSP, cut
from bot.slack.limits import (
    BUTTON_TEXT_MAX,
    BUTTON_VALUE_MAX,
    OPTION_TEXT_MAX,
    OPTION_VALUE_MAX,
    SELECT_OPTIONS_MAX,
)
from bot.slack.literal import link, literal
from bot.slack.render import ACTION_SHARE, Block, decode_value, encode_value, plain_text

__all__ = [
    "ACTION_OPEN",
    "ACTION_PAGE",
    "PAGE_ACTIONS",
    "link",
    "literal",
    "marked",
    "open_select",
    "pager",
    "query_of",
    "query_value",
    "share_button",
]

#: ``action_id`` prefix of the Prev/Next buttons (two ids: one actions block needs unique ids).
ACTION_PAGE: Final = "paperbot_page"
PAGE_ACTIONS: Final = re.compile(rf"^{ACTION_PAGE}_(prev|next)$")
#: ``action_id`` of the "Open…" select that shows one paper's card (digest, search, misses).
ACTION_OPEN: Final = "paperbot_open"


def marked(parts: Sequence[tuple[str, bool]]) -> str:
    """Snippet parts as mrkdwn with the matches in bold.

    Slack honours ``*`` only at a word boundary and only around non-space text, which Korean
    particles (``강화 학습을``) break: spaces move outside the markers and a zero-width space
    separates a marker from a letter it touches, as :mod:`bot.slack.mrkdwn` does.
    """
    out = ""
    for index, (text, hit) in enumerate(parts):
        core = text.strip()
        if not hit or not core:
            out += literal(text)
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        following = parts[index + 1][0][:1] if index + 1 < len(parts) else ""
        before = ZWSP if not lead and out[-1:].isalnum() else ""
        after = ZWSP if not trail and following.isalnum() else ""
        out += f"{lead}{before}*{literal(core)}*{after}{trail}"
    return out


def query_value(query: Query) -> str:
    """``query`` as an element's ``value``: the JSON of its fields (survives restarts)."""
    return encode_value(**query.fields())


def query_of(value: str | None) -> Query | None:
    """The query a ``value`` carries (a card's section option too); ``None`` if unreadable."""
    return Query.from_fields(decode_value(value or ""))


def share_button(query: Query) -> Block:
    """The "Post to channel" button: posts what the ephemeral reply shows, for everyone."""
    return {
        "type": "button",
        "action_id": ACTION_SHARE,
        "text": plain_text("Post to channel", BUTTON_TEXT_MAX),
        "style": "primary",
        "value": _value(query),
    }


def pager(query: Query, *, has_prev: bool, has_next: bool) -> list[Block]:
    """Prev/Next buttons (only those that lead somewhere) for a paged query."""
    buttons = []
    for name, label, page, shown in (
        ("prev", "◀ Prev", query.page - 1, has_prev),
        ("next", "Next ▶", query.page + 1, has_next),
    ):
        if shown:
            buttons.append(
                {
                    "type": "button",
                    "action_id": f"{ACTION_PAGE}_{name}",
                    "text": plain_text(label, BUTTON_TEXT_MAX),
                    "value": _value(query.at(page)),
                }
            )
    return buttons


def open_select(choices: Sequence[tuple[str, Query]], placeholder: str) -> list[Block]:
    """A select that opens one of ``choices`` (label, query) as a new ephemeral reply.

    Slack refuses the whole message (``invalid_blocks``) when two options share a value, so a
    query offered twice (one paper matching a search in several sections) is offered once, at
    its first place. Empty when there is nothing to choose, so callers can splat it into an
    actions row.
    """
    labels: dict[str, str] = {}
    for label, query in choices:
        labels.setdefault(query_value(query), label)
    options = [
        {"text": plain_text(label, OPTION_TEXT_MAX), "value": value}
        for value, label in labels.items()
        if len(value) <= OPTION_VALUE_MAX
    ][:SELECT_OPTIONS_MAX]
    if not options:
        return []
    return [
        {
            "type": "static_select",
            "action_id": ACTION_OPEN,
            "placeholder": plain_text(placeholder, OPTION_TEXT_MAX),
            "options": options,
        }
    ]


def _value(query: Query) -> str:
    value = query_value(query)
    if len(value) > BUTTON_VALUE_MAX:  # only a search's text could be this long
        text = cut(query.text or "", BUTTON_VALUE_MAX // 4).text
        value = query_value(Query(query.command, text=text, page=query.page))
    return value
