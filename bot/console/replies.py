"""Lookup answers for the terminal: what ``paperbot lookup`` and ``search`` print."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.console.render import SummaryMarkdown
from bot.core.answers.paper_answers import SectionAnswer
from bot.core.archive.lookup import NotFound, SearchResults, SectionPage
from bot.core.archive.records import DigestSummary
from digest_parser import SectionKey

__all__ = ["render_digest", "render_not_found", "render_page", "render_search", "render_section"]


def render_not_found(miss: NotFound) -> RenderableType:
    """The miss's message and what the user may try instead."""
    parts: list[RenderableType] = [Text(miss.message, style="yellow")]
    if miss.suggestions:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(no_wrap=True)  # an id, a section name or a date: never cut
        table.add_column(overflow="fold")
        for suggestion in miss.suggestions:
            table.add_row(Text(suggestion.value), Text(suggestion.label))
        parts.append(table)
    return Group(*parts)


def render_section(answer: SectionAnswer) -> RenderableType:
    """One section of one paper, whole."""
    section, card = answer.section, answer.card
    return Panel(
        SummaryMarkdown(section.body),
        title=Text(f"{section.number} · {section.heading}  {section.label}", style="bold cyan"),
        title_align="left",
        subtitle=Text(f"{card.display_title[:60]} · {card.arxiv_id} · {card.date_label}"),
        subtitle_align="right",
    )


def render_page(page: SectionPage) -> RenderableType:
    """One section across a digest, a page of papers at a time."""
    key: SectionKey = page.key
    parts: list[RenderableType] = [
        Text(
            f"{key.number} · {key.korean} ({key.english}) — {page.date}, "
            f"page {page.page}/{page.pages}, {page.total} papers",
            style="bold",
        )
    ]
    for item in page.items:
        body: RenderableType = (
            SummaryMarkdown(item.section.body)
            if item.section is not None
            else Text("(this summary has no such section)", style="dim italic")
        )
        title = f"{item.position}. {item.title or item.arxiv_id}"
        parts.append(
            Panel(body, title=Text(title), title_align="left", subtitle=Text(item.arxiv_id))
        )
    if page.page < page.pages:
        parts.append(Text(f"next: --page {page.page + 1}", style="dim"))
    return Group(*parts)


def render_digest(summary: DigestSummary) -> RenderableType:
    """A digest's papers, one row each, with the sections each summary has."""
    table = Table(title=f"{summary.date} · {len(summary.papers)} papers")
    # Only the title gives way on a narrow terminal (it wraps); numbers and ids are never cut.
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("arXiv id", no_wrap=True)
    table.add_column("title", overflow="fold", max_width=60)
    table.add_column("sections", no_wrap=True)
    for item in summary.papers:
        present = set(item.sections)
        marks = "".join(str(k.number) if k in present else "·" for k in SectionKey.ordered())
        table.add_row(str(item.position), Text(item.arxiv_id), Text(item.title or "—"), marks)
    return table


def render_search(results: SearchResults) -> RenderableType:
    """Ranked hits with the matched text highlighted."""
    if not results.hits:
        return Text(f"Nothing matches {results.query!r}.", style="yellow")
    parts: list[RenderableType] = []
    for rank, hit in enumerate(results.hits, results.offset + 1):
        where = hit.where
        head = Text(f"{rank}. {hit.title or hit.arxiv_id}", style="bold")
        head.append(f"  {hit.arxiv_id} · {hit.date} · {where}", style="dim")
        snippet = Text()
        for text, matched in hit.snippet.parts:
            snippet.append(text, style="bold reverse" if matched else "")
        parts.extend([head] if hit.field == "title" else [head, snippet, Text()])
    if results.has_more:
        parts.append(Text(f"more: --offset {results.offset + results.limit}", style="dim"))
    return Group(*parts)
