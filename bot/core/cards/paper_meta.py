"""What Hugging Face knows about a paper beyond the digest text: who wrote it, how many upvoted it.

The digest gives a Korean title and seven sections; readers choose papers by their authors,
their upvotes and whether there is code. :class:`PaperMeta` carries those facts from the
enrichment (:mod:`bot.core.enrichment`) through the archive to every card. It lives with the
cards because a :class:`~bot.core.cards.card.Card` carries one and the cards import nothing
else of the core.

Every value here was checked when it was read (:mod:`bot.core.enrichment.response`): strings
and arrays are bounded, URLs are ``https``, a thumbnail is on a Hugging Face host. It is still
untrusted text: renderers escape names, titles and keywords exactly like digest text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

__all__ = ["AUTHORS_SHOWN", "KEYWORDS_SHOWN", "PaperMeta", "link_safe"]

#: Authors named on a card before "외 N명" ("and N others").
AUTHORS_SHOWN: Final = 3
#: Keywords shown on a card; the rest stay in the archive for search.
KEYWORDS_SHOWN: Final = 5
#: Characters that end or break a link in Slack mrkdwn (``<url|label>``) or Markdown
#: (``[label](url)``), percent-encoded so that no URL can close the link it is in.
_LINK_BREAKERS: Final = str.maketrans({c: f"%{ord(c):02X}" for c in " ()<>[]|*_~`"})


def link_safe(url: str) -> str:
    """``url`` with every character that could end a Markdown or mrkdwn link percent-encoded."""
    return url.translate(_LINK_BREAKERS)


@dataclass(frozen=True, slots=True)
class PaperMeta:
    """One paper's Hugging Face metadata, as last fetched.

    Attributes:
        arxiv_id: Bare arXiv id (the key: metadata is per paper, not per digest).
        title: The English title.
        authors: Author names in paper order (hidden authors left out).
        organization: The submitting organisation's display name.
        upvotes: Upvotes on the Hugging Face paper page when fetched.
        comments: Comments on that page.
        github_repo: ``https`` URL of the code repository.
        github_stars: Its stars.
        project_page: ``https`` URL of the project page.
        thumbnail: ``https`` URL of the thumbnail, on a Hugging Face host.
        keywords: Hugging Face's AI keywords.
        withdrawn: The paper was withdrawn.
        fetched_at: When Hugging Face was asked (UTC).
    """

    arxiv_id: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    organization: str | None = None
    upvotes: int | None = None
    comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    thumbnail: str | None = None
    keywords: tuple[str, ...] = ()
    withdrawn: bool = False
    fetched_at: dt.datetime | None = None

    @property
    def counts_line(self) -> str:
        """``▲ 42 upvotes · 3 comments``, or '' when neither is known."""
        parts = []
        if self.upvotes is not None:
            parts.append(f"▲ {self.upvotes} upvote{'s' * (self.upvotes != 1)}")
        if self.comments:
            parts.append(f"{self.comments} comment{'s' * (self.comments != 1)}")
        return " · ".join(parts)

    @property
    def shown_keywords(self) -> tuple[str, ...]:
        """The keywords a card shows."""
        return self.keywords[:KEYWORDS_SHOWN]

    @property
    def github_label(self) -> str:
        """``GitHub ★ 1,200`` (or just ``GitHub`` without a star count)."""
        return f"GitHub ★ {self.github_stars:,}" if self.github_stars is not None else "GitHub"

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """``(label, url)`` of the code repository and the project page, those known."""
        found = ((self.github_label, self.github_repo), ("Project page", self.project_page))
        return tuple((label, url) for label, url in found if url)

    @property
    def authors_line(self) -> str:
        """The first :data:`AUTHORS_SHOWN` authors, then "외 N명" for the rest; '' if none."""
        shown = ", ".join(self.authors[:AUTHORS_SHOWN])
        rest = len(self.authors) - AUTHORS_SHOWN
        return f"{shown} 외 {rest}명" if rest > 0 else shown
