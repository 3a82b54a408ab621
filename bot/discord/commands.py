"""The slash commands: ``/paper``, ``/section``, ``/digest`` and ``/paper-search``.

Each command turns its typed options into a :class:`~bot.core.answers.query.Query` and runs it
with :func:`~bot.core.answers.query.run_query` (as Slack's commands do, so both platforms answer
and explain themselves alike); the answer goes to :mod:`bot.discord.replies`, and the reply is
kept under the query (:class:`~bot.discord.responder.Responder`). Descriptions come from the
docstrings below (discord.py reads the first paragraph and the ``Args`` section);
:mod:`bot.discord.i18n` adds Korean.

Autocomplete must answer within 3 seconds and cannot be deferred, so each suggestion query
gets :data:`AUTOCOMPLETE_BUDGET` and an empty list when it runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers.paper_answers import is_help
from bot.core.answers.query import SLASH_NAMES, Query, run_query
from bot.core.cards.text import cut, utf16_len
from digest_parser import SectionKey

from .limits import AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, CHOICE_VALUE_MAX
from .replies import Reply, help_reply, render_reply
from .responder import Choices

if TYPE_CHECKING:
    from bot.core.archive.lookup import Lookup

    from .responder import Responder

__all__ = ["AUTOCOMPLETE_BUDGET", "PaperCommands", "section_choices"]

_log = logging.getLogger(__name__)

#: Seconds an autocomplete query may take: Discord allows 3 in all, network included.
AUTOCOMPLETE_BUDGET: Final = 2.0


def _choice(name: str, value: str) -> app_commands.Choice[str]:
    name = cut(" ".join(name.split()), CHOICE_NAME_MAX, length=utf16_len).text or value
    return app_commands.Choice(name=name, value=value[:CHOICE_VALUE_MAX])


def section_choices(current: str) -> Choices:
    """The seven sections, those matching ``current`` first, with both labels.

    Whatever alias ``current`` is (``한계``, ``6``, ``future work``), the section it resolves to
    comes first; a word that matches none still offers all seven rather than nothing.
    """
    text = current.strip().casefold()
    resolved = SectionKey.lookup(current) if text else None
    matching = [
        key
        for key in SectionKey.ordered()
        if text in key.value or text in key.english.casefold() or text in key.korean
    ]
    ordered = ([resolved] if resolved else []) + [k for k in matching if k is not resolved]
    return [
        _choice(f"{key.number} · {key.english} · {key.korean}", key.value)
        for key in (ordered or SectionKey.ordered())
    ]


class PaperCommands(commands.Cog):
    """paperbot's slash commands, bound to one archive.

    Args:
        lookup: The archive's query service.
        responder: Sends the replies (and decides when to defer).
    """

    def __init__(self, lookup: Lookup, responder: Responder) -> None:
        self.lookup = lookup
        self.responder = responder
        # One full-text search at a time: each holds one of the archive's few reader
        # connections for ~15 ms (benchmarks/store.py), and the lookups that must be answered
        # at once (cards, autocomplete) should not queue behind searches, which were deferred.
        self._searching = asyncio.Semaphore(1)

    # -- commands ------------------------------------------------------------------------

    @app_commands.command(name="paper")
    async def paper(
        self,
        interaction: discord.Interaction[Any],
        ref: str,
        section: str | None = None,
        date: str | None = None,
    ) -> None:
        """Show a paper's summary card, or one section of it

        Args:
            ref: arXiv id or link (arxiv.org, huggingface.co/papers), e.g. 2505.19590
            section: Only this section, e.g. limitations, 한계, 6
            date: Digest date YYYY-MM-DD (default: the newest)
        """
        query = Query("paper", paper=ref.strip(), section=section, date=date)
        await self._answer(interaction, query, usage=is_help(ref))

    @app_commands.command(name="section")
    async def section(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        paper: str | None = None,
        date: str | None = None,
    ) -> None:
        """One section of a paper, or of every paper in a digest

        Args:
            name: Which section, e.g. results, limitations, 한계, 6
            paper: arXiv id or link; leave empty for every paper of the digest
            date: Digest date YYYY-MM-DD (default: the newest)
        """
        query = Query("section", paper=paper, section=name, date=date)
        await self._answer(interaction, query, usage=is_help(name))

    @app_commands.command(name="digest")
    async def digest(self, interaction: discord.Interaction[Any], date: str | None = None) -> None:
        """The papers of a digest, one line each (the newest by default)

        Args:
            date: Digest date YYYY-MM-DD (default: the newest)
        """
        query = Query("digest", date=date)
        await self._answer(interaction, query, usage=date is not None and is_help(date))

    @app_commands.command(name="paper-search")
    async def paper_search(self, interaction: discord.Interaction[Any], query: str) -> None:
        """Search titles and summaries (Korean or English)

        Args:
            query: Words to look for, e.g. 강화 학습 or diffusion
        """
        asked = Query("search", text=query)
        await self._answer(interaction, asked, usage=is_help(query))

    async def _answer(
        self, interaction: discord.Interaction[Any], query: Query, *, usage: bool
    ) -> None:
        """Answer ``query``, or with the command's usage; either is kept under the query.

        Whether usage is asked for depends only on the query's fields, so a reply kept under a
        query is always the right one.
        """
        if usage:
            name = SLASH_NAMES[query.command]
            await self.responder.answer(interaction, query, lambda: self._usage(name))
            return
        # Full-text search over years of digests may take a moment: defer first.
        defer = query.command == "search"
        await self.responder.answer(interaction, query, lambda: self._reply(query), defer=defer)

    async def _reply(self, query: Query) -> Reply:
        searching = self._searching if query.command == "search" else contextlib.nullcontext()
        async with searching:
            found = await run_query(self.lookup, query)
        return render_reply(query, found, usage_of=SLASH_NAMES[query.command], private=True)

    async def _usage(self, command: str) -> Reply:
        return help_reply(command)

    # -- autocomplete --------------------------------------------------------------------

    @paper.autocomplete("ref")
    @section.autocomplete("paper")
    async def paper_choices(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        """Papers of the newest digest as ``2505.19590 · <title>``, by id prefix or title."""
        try:
            async with asyncio.timeout(AUTOCOMPLETE_BUDGET):
                with self.responder.turns.owed_now():
                    return await self.responder.choices.get(
                        ("paper", current), lambda: self._paper_choices(current)
                    )
        except TimeoutError:
            _log.warning("paper suggestions for %r took over %ss", current, AUTOCOMPLETE_BUDGET)
            return []

    async def _paper_choices(self, current: str) -> Choices:
        found = await self.lookup.suggest(current)
        return [
            _choice(f"{s.value} · {s.label}" if s.label.strip() else s.value, s.value)
            for s in found[:AUTOCOMPLETE_CHOICES_MAX]
        ]

    @paper.autocomplete("section")
    @section.autocomplete("name")
    async def section_name_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> Choices:
        """The seven sections with Korean and English labels."""
        return section_choices(current)

    @paper.autocomplete("date")
    @section.autocomplete("date")
    @digest.autocomplete("date")
    async def date_choices(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        """Digest dates, newest first, that start with what was typed."""
        try:
            async with asyncio.timeout(AUTOCOMPLETE_BUDGET):
                with self.responder.turns.owed_now():
                    return await self.responder.choices.get(
                        ("date", current), lambda: self._date_choices(current)
                    )
        except TimeoutError:
            return []

    async def _date_choices(self, current: str) -> Choices:
        dates = await self.lookup.dates()
        matching = [d for d in dates if d.isoformat().startswith(current.strip())]
        return [
            _choice(f"{d.isoformat()} ({d:%a})", d.isoformat())
            for d in matching[:AUTOCOMPLETE_CHOICES_MAX]
        ]

    async def cog_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Log what the responder did not catch and tell the user, never leaving them hanging."""
        _log.error("command %s failed", interaction.command, exc_info=error)
        await self.responder.apologise(interaction, "Something went wrong; it has been logged.")
