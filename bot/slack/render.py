"""Cards to Block Kit: the Slack rendering of the platform-neutral :class:`Card`.

One ``section`` block per card section, cut (at a sentence, never inside a link or code span)
only when a section would exceed Slack's 3,000 characters or the card its 12,000, with a hint to
read the rest. All digest text passes through :func:`to_mrkdwn`, which escapes ``&``, ``<`` and
``>``, so ``<!channel>`` in a summary arrives as text and pings nobody; ``plain_text`` (titles)
is never parsed by Slack, and a zero-width space after ``<`` keeps it that way if a client ever
did.

"Whole card" sizes are counted as Slack's aggregate limit appears to count them: the characters
of every ``text`` string in the blocks (:func:`text_size`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from bot.core.cards.card import Card, CardSection, DigestHeaderCard, section_hint
from bot.core.cards.fitting import Fitted, fit, fit_all
from bot.core.cards.paper_meta import PaperMeta, link_safe
from bot.core.cards.text import ZWSP, cut, escape_slack, split

from .limits import (
    CARD_TOTAL_MAX,
    CONTEXT_ELEMENTS_MAX,
    HEADER_TEXT_MAX,
    MAX_BLOCKS,
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
)
from .literal import link, literal
from .marker import card_metadata, header_metadata
from .mrkdwn import to_mrkdwn

__all__ = [
    "ACTION_LIKE",
    "ACTION_LINK",
    "ACTION_SAVE",
    "ACTION_SECTION",
    "ACTION_SHARE",
    "Block",
    "actions_block",
    "card_blocks",
    "card_message",
    "decode_value",
    "encode_value",
    "header_message",
    "mrkdwn_text",
    "plain_text",
    "section_messages",
    "text_size",
    "voice_buttons",
]

Block = dict[str, Any]

#: ``action_id`` of the "Show section…" select on every card.
ACTION_SECTION: Final = "paperbot_section"
#: ``action_id`` of the "Post to channel" button on ephemeral answers.
ACTION_SHARE: Final = "paperbot_share"
#: ``action_id`` prefix of the link buttons (Slack sends an action for those too).
ACTION_LINK: Final = "paperbot_link"
#: ``action_id`` of the 👍 and 🔖 Save buttons on every card (:mod:`bot.slack.voice_buttons`).
ACTION_LIKE: Final = "paperbot_like"
ACTION_SAVE: Final = "paperbot_save"
#: Space kept per section for its heading line and the "read the rest" hint.
_SECTION_OVERHEAD: Final = 220
#: Text kept free in a whole-section message for the controls appended to it.
_CONTROLS_RESERVE: Final = 600
_MENTION: Final = re.compile(r"<(?=[!@#])")


def encode_value(**fields: str) -> str:
    """Pack what an interactive element needs into its ``value`` (survives restarts)."""
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def decode_value(value: str) -> dict[str, str]:
    """Inverse of :func:`encode_value`; an unreadable value gives ``{}``."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def text_size(blocks: Iterable[Any]) -> int:
    """Characters of every ``text`` string in ``blocks``, however deep (Slack's aggregate)."""

    def size(value: Any) -> int:
        if isinstance(value, list):
            return sum(size(item) for item in value)
        if isinstance(value, dict):
            return sum(
                len(item) if key == "text" and isinstance(item, str) else size(item)
                for key, item in value.items()
            )
        return 0

    return size(list(blocks))


def plain_text(text: str, limit: int) -> Block:
    """A ``plain_text`` object cut to ``limit``; ``<!``/``<@``/``<#`` get a zero-width space."""
    inert = _MENTION.sub("<" + ZWSP, " ".join(text.split()))
    return {"type": "plain_text", "text": cut(inert, limit).text or " ", "emoji": True}


def mrkdwn_text(text: str) -> Block:
    """A ``mrkdwn`` text object (the caller has escaped whatever is digest text)."""
    return {"type": "mrkdwn", "text": text}


def actions_block(elements: Sequence[Block], *, block_id: str | None = None) -> Block:
    """An ``actions`` block holding ``elements``."""
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def _heading(section: CardSection) -> str:
    return f"*{section.number} · {section.heading}*  _{section.label}_"


def _section_text(card: Card, section: CardSection, fitted: Fitted) -> str:
    text = f"{_heading(section)}\n{fitted.text}"
    if fitted.was_cut:
        text += f"\n_… the whole section: `{section_hint(card.arxiv_id, section.key)}`_"
    return text


def _context(card: Card, extra: Sequence[str]) -> Block:
    links = f"<{card.hf_url}|Hugging Face> · <{card.abs_url}|arXiv> · <{card.pdf_url}|PDF>"
    meta = f"`{card.arxiv_id}` · {card.date_label} · {card.position_label}"
    elements = [meta, links, *extra][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": [mrkdwn_text(e) for e in elements]}


def _select(card: Card) -> Block:
    """The "Show section…" menu: one option per section (Slack refuses repeated values)."""
    keys = dict.fromkeys(s.key for s in card.sections)
    return {
        "type": "static_select",
        "action_id": ACTION_SECTION,
        "placeholder": plain_text("Show section…", OPTION_TEXT_MAX),
        "options": [
            {
                "text": plain_text(f"{k.number}. {k.korean} · {k.english}", OPTION_TEXT_MAX),
                "value": encode_value(paper=card.arxiv_id, date=card.date_label, section=k.value),
            }
            for k in keys
        ],
    }


def _actions(card: Card, controls: Sequence[Block]) -> Block:
    elements: list[Block] = [_select(card)] if card.sections else []
    for label, url in (
        ("Hugging Face", card.hf_url),
        ("arXiv", card.abs_url),
        ("PDF", card.pdf_url),
    ):
        elements.append(
            {
                "type": "button",
                "action_id": f"{ACTION_LINK}_{label.split()[0].lower()}",
                "text": plain_text(label, OPTION_TEXT_MAX),
                "url": url,
            }
        )
    return actions_block(
        [*elements, *voice_buttons(card), *controls], block_id=f"card:{card.arxiv_id}"
    )


def voice_buttons(card: Card) -> list[Block]:
    """👍 and 🔖 Save with the channel's counts; the value names the paper and its digest."""
    value = encode_value(paper=card.arxiv_id, date=card.date_label)
    return [
        {
            "type": "button",
            "action_id": action_id,
            "text": plain_text(label, OPTION_TEXT_MAX),
            "value": value,
        }
        for action_id, label in (
            (ACTION_LIKE, card.counts.like_label),
            (ACTION_SAVE, card.counts.save_label),
        )
    ]


def card_blocks(
    card: Card, *, context: Sequence[str] = (), controls: Sequence[Block] = ()
) -> list[Block]:
    """Block Kit for one card, within every Slack limit (see :mod:`bot.slack.limits`).

    Args:
        card: The card.
        context: Extra mrkdwn lines for the card's context row ("Shared by …").
        controls: Extra interactive elements for the card's actions row ("Post to channel").
    """
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(card.display_title, HEADER_TEXT_MAX)},
        _context(card, context),
    ]
    if card.meta is not None:
        blocks.append(meta_block(card.meta))
    tail: list[Block] = []
    if card.missing and card.sections:
        missing = ", ".join(k.english for k in card.missing)
        tail.append(
            {"type": "context", "elements": [mrkdwn_text(f"Not in this summary: {missing}")]}
        )
    tail.append(_actions(card, controls))
    fixed = text_size(blocks) + text_size(tail)
    if card.note.strip():
        note = fit(card.note, SECTION_TEXT_MAX, to_mrkdwn)
        blocks.append({"type": "section", "text": mrkdwn_text(note.text)})
        fixed += len(note.text)
    fitted = fit_all(
        [s.body for s in card.sections],
        each=SECTION_TEXT_MAX - _SECTION_OVERHEAD,
        total=max(CARD_TOTAL_MAX - fixed - _SECTION_OVERHEAD * (len(card.sections) + 1), 1000),
        render=to_mrkdwn,
    )
    for section, body in zip(card.sections, fitted, strict=True):
        blocks.append({"type": "section", "text": mrkdwn_text(_section_text(card, section, body))})
    return [*blocks[: MAX_BLOCKS - len(tail)], *tail]


def meta_block(meta: PaperMeta) -> Block:
    """Hugging Face's facts about the paper, with its thumbnail as the block's image.

    Every value is bounded when read (:mod:`bot.core.enrichment.response`), so the text stays
    far below :data:`SECTION_TEXT_MAX`; it is cut there anyway.
    """
    lines = []
    if meta.withdrawn:
        lines.append(":warning: *Withdrawn* by its authors")
    if meta.title:
        lines.append(f"*{literal(meta.title)}*")
    if meta.authors:
        lines.append(literal(meta.authors_line))
    if meta.organization:
        lines.append(f"_{literal(meta.organization)}_")
    facts = [meta.counts_line] if meta.counts_line else []
    facts += [link(link_safe(url), label) for label, url in meta.links]
    if facts:
        lines.append(" · ".join(facts))
    if meta.shown_keywords:
        lines.append(" · ".join(f"`{literal(k)}`" for k in meta.shown_keywords))
    text = cut("\n".join(lines) or literal(meta.arxiv_id), SECTION_TEXT_MAX).text
    block: Block = {"type": "section", "text": mrkdwn_text(text)}
    if meta.thumbnail:
        block["accessory"] = {
            "type": "image",
            "image_url": meta.thumbnail,
            "alt_text": "thumbnail of the paper",
        }
    return block


def card_message(
    card: Card,
    *,
    channel: str | None = None,
    context: Sequence[str] = (),
    controls: Sequence[Block] = (),
) -> dict[str, Any]:
    """``chat.postMessage`` arguments for a card: blocks, fallback text and metadata."""
    message: dict[str, Any] = {
        "text": escape_slack(f"{card.display_title} — {card.hf_url}"),
        "blocks": card_blocks(card, context=context, controls=controls),
        "unfurl_links": False,
        "unfurl_media": False,
        "metadata": card_metadata(card),
    }
    if channel is not None:
        message["channel"] = channel
    return message


def header_message(header: DigestHeaderCard, *, channel: str | None = None) -> dict[str, Any]:
    """``chat.postMessage`` arguments for the digest header that opens a day's posts."""
    message: dict[str, Any] = {
        "text": escape_slack(header.title),
        "blocks": [{"type": "header", "text": plain_text(header.title, HEADER_TEXT_MAX)}],
        "unfurl_links": False,
        "unfurl_media": False,
        "metadata": header_metadata(header),
    }
    if channel is not None:
        message["channel"] = channel
    return message


def section_messages(
    card: Card, section: CardSection, *, controls: Sequence[Block] = ()
) -> list[list[Block]]:
    """A whole section, for the section menu and ``/section``: split, never cut.

    Each message holds at most :data:`MAX_BLOCKS` blocks and :data:`CARD_TOTAL_MAX` characters
    of text; ``controls`` (buttons) end the last message.
    """
    head: list[Block] = [
        {"type": "header", "text": plain_text(card.display_title, HEADER_TEXT_MAX)},
        {"type": "context", "elements": [mrkdwn_text(f"{_heading(section)} · `{card.arxiv_id}`")]},
    ]
    messages: list[list[Block]] = []
    current, size = head, text_size(head)
    for chunk in split(to_mrkdwn(section.body), SECTION_TEXT_MAX):
        if not chunk.strip():
            continue
        full = (
            len(current) >= MAX_BLOCKS - 1 or size + len(chunk) > CARD_TOTAL_MAX - _CONTROLS_RESERVE
        )
        if full:
            messages.append(current)
            current, size = [], 0
        current.append({"type": "section", "text": mrkdwn_text(chunk)})
        size += len(chunk)
    if controls:
        current.append(actions_block(controls))
    messages.append(current)
    return messages
