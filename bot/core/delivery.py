"""Deliver a digest to one channel: the header card, then one card per paper, in order.

This is the direct path (``paperbot post``); the reliable outbox of issue 7 replaces the loop
below with planned rows that survive crashes, keeping :func:`plan_posts` as what is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from digest_parser import Digest, SectionKey

from .cards import Card, DigestHeaderCard, card_from_paper
from .ports import Posted, Poster, PostKey

__all__ = ["PlannedPost", "deliver", "plan_posts"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedPost:
    """One message of a day's delivery to one channel."""

    key: PostKey
    item: DigestHeaderCard | Card


def plan_posts(
    digest: Digest, channel: str, *, show: Iterable[SectionKey] | None = None
) -> list[PlannedPost]:
    """The header card, then a card per paper in digest order."""
    day = digest.date.isoformat() if digest.date else "undated"
    total = len(digest.papers)
    shown = tuple(show) if show is not None else None
    plan = [PlannedPost(PostKey(channel, day, "header"), DigestHeaderCard(digest.date, total))]
    for position, paper in enumerate(digest.papers, 1):
        card = card_from_paper(paper, date=digest.date, position=position, total=total, show=shown)
        plan.append(PlannedPost(PostKey(channel, day, paper.arxiv_id), card))
    return plan


async def deliver(poster: Poster, plan: list[PlannedPost]) -> list[Posted]:
    """Send a plan in order; the first failure stops the rest (they would be out of order)."""
    sent: list[Posted] = []
    for post in plan:
        if isinstance(post.item, DigestHeaderCard):
            posted = await poster.post_header(post.key.channel, post.item, key=post.key)
        else:
            posted = await poster.post_card(post.key.channel, post.item, key=post.key)
        _log.debug("posted %s to %s: %s", post.key.paper, post.key.channel, posted.message_id)
        sent.append(posted)
    return sent
