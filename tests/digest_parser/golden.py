"""Golden summaries of the real digests: what a reviewer checked by eye.

Each file in ``golden/`` records, per paper, the id, clean title, the section keys in document
order with the first and last words of each body, and the digest's warnings. Regenerate after
an intended parser change with ``PAPERBOT_UPDATE_GOLDEN=1 pytest tests/digest_parser`` and
review the diff before committing it.
"""

from __future__ import annotations

from typing import Any

from digest_parser import Digest

WORDS = 4


def _edge_words(body: str) -> tuple[str, str]:
    words = body.split()
    return " ".join(words[:WORDS]), " ".join(words[-WORDS:])


def summarise(digest: Digest) -> dict[str, Any]:
    """The reviewed shape of a parsed digest."""
    papers = []
    for paper in digest.papers:
        sections = []
        for section in paper.sections:
            first, last = _edge_words(section.body)
            sections.append(
                {"key": section.key.value, "number": section.number, "first": first, "last": last}
            )
        papers.append(
            {
                "arxiv_id": paper.arxiv_id,
                "title": paper.title,
                "line": paper.line,
                "sections": sections,
                "missing": [key.value for key in paper.missing],
                "has_preamble": bool(paper.preamble),
                "has_epilogue": bool(paper.epilogue),
            }
        )
    return {
        "date": digest.date.isoformat() if digest.date else None,
        "papers": papers,
        "warnings": [
            {"line": w.line, "paper": w.paper, "message": w.message} for w in digest.warnings
        ],
    }
