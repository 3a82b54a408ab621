"""Whose turn it is: a busy bot defers new replies, and deferred work waits for owed answers."""

from __future__ import annotations

import asyncio

from bot.discord.turns import Turns


async def test_busy_once_enough_replies_are_being_made() -> None:
    turns = Turns(busy_at=2)
    with turns.making():
        assert not turns.busy
        with turns.making():
            assert turns.busy
        assert not turns.busy


async def test_deferred_work_waits_for_the_answers_owed_now() -> None:
    turns = Turns(busy_at=2)
    await turns.after_owed()  # nothing owed: at once
    order: list[str] = []

    async def deferred() -> None:
        await turns.after_owed()
        order.append("deferred")

    with turns.owed_now(), turns.owed_now():
        waiting = asyncio.ensure_future(deferred())
        await asyncio.sleep(0)
        order.append("owed")
        assert not waiting.done()
    await waiting
    assert order == ["owed", "deferred"]
