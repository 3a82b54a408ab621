"""Typed records produced by the parser.

Pydantic models, frozen, at the boundary between "a Markdown file somebody's LLM wrote" and the
rest of paperbot. ``model_dump(mode="json")`` of a :class:`Digest` is the JSON the CLI prints;
:attr:`Paper.raw` is kept out of that dump (it is the entry's exact text, for the archive).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from .sections import SectionKey

__all__ = ["Digest", "Paper", "ParseWarning", "Section"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ParseWarning(BaseModel):
    """Something irregular the parser worked around, with the line to look at."""

    model_config = _FROZEN

    line: int = Field(ge=1, description="1-based line in the digest file")
    paper: str | None = Field(default=None, description="arXiv id of the entry, if inside one")
    message: str


class Section(BaseModel):
    """One of the seven summary sections of a paper entry."""

    model_config = _FROZEN

    key: SectionKey
    number: int | None = Field(default=None, description="the number written in the heading")
    heading: str = Field(description="the heading text as written, without Markdown markers")
    body: str = Field(description="Markdown body without the heading, dedented, trimmed")
    line: int = Field(ge=1, description="1-based line of the heading")


class Paper(BaseModel):
    """One digest entry: an arXiv paper and its LLM-written summary."""

    model_config = _FROZEN

    arxiv_id: str = Field(description="arXiv identifier without version, e.g. 2505.19590")
    url: str | None = Field(description="the link line's URL, None when the entry has none")
    title: str | None = Field(description="the summary's title, cleaned; None when absent")
    line: int = Field(ge=1, description="1-based line of the entry's `## <id>` heading")
    preamble: str = Field(default="", description="prose before the first section")
    sections: tuple[Section, ...] = Field(default=(), description="sections in document order")
    epilogue: str = Field(default="", description="prose after the summary's closing fence")
    missing: tuple[SectionKey, ...] = Field(default=(), description="template sections absent")
    raw: str = Field(default="", exclude=True, repr=False, description="the entry's exact text")

    def section(self, key: SectionKey) -> Section | None:
        """The first section with this key, or None."""
        return next((s for s in self.sections if s.key is key), None)


class Digest(BaseModel):
    """A whole daily digest file."""

    model_config = _FROZEN

    date: dt.date | None = Field(description="the header's date, else the file name's, else None")
    source: str | None = Field(default=None, description="file name or label of the input")
    papers: tuple[Paper, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
