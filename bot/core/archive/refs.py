"""Read the arXiv paper a user means out of whatever they pasted.

People type ``2505.19590``, paste ``https://arxiv.org/pdf/2505.19590v2`` or a Hugging Face
page, and Slack wraps links as ``<url>`` or ``<url|label>``. All of it comes down to one bare
identifier without version, which is what the archive is keyed by. URLs are taken apart with
:func:`urllib.parse.urlsplit` rather than one large regular expression, so each accepted form
is a visible line below. Nothing here raises on any input.
"""

from __future__ import annotations

import logging
import re
from typing import Final
from urllib.parse import urlsplit

__all__ = ["id_prefix", "parse_ref"]

_log = logging.getLogger(__name__)

#: New-style ids (April 2007 on): YYMM.NNNN, and YYMM.NNNNN from 2015; optional version.
_NEW_ID: Final = re.compile(r"(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?", re.ASCII)
#: Old-style ids: archive[.SUBJECT-CLASS]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ID: Final = re.compile(
    r"([a-z]+(?:-[a-z]+)*)(?:\.[a-z]{2})?/(\d{2}(?:0[1-9]|1[0-2])\d{3})(?:v\d+)?", re.ASCII
)
_ARXIV_HOSTS: Final = frozenset({"arxiv.org", "export.arxiv.org"})
_ARXIV_PATHS: Final = ("abs/", "pdf/", "html/", "format/")
_HF_HOSTS: Final = frozenset({"huggingface.co", "hf.co"})
_SCHEME: Final = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: What a partial reference typed into autocomplete may start with before the id itself.
_PREFIXES: Final = re.compile(
    r"^<?(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?"
    r"(?:arxiv\.org/(?:abs|pdf|html)/|(?:huggingface|hf)\.co/papers/))",
    re.IGNORECASE,
)


def parse_ref(text: str) -> str | None:
    """The bare arXiv id (no version) that ``text`` refers to, or ``None`` if it names none.

    Accepts a bare id with or without version, ``arXiv:<id>``, and arxiv.org ``abs``/``pdf``/
    ``html`` or huggingface.co ``papers`` URLs (``http``, ``www.``, no scheme, ``.pdf``, a
    trailing slash, query or fragment), each possibly inside Slack's ``<url>``/``<url|label>``
    and surrounded by spaces. Old-style ids (``hep-th/9901001``) come back without their
    subject class, as arXiv itself names them.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0].strip()
    if text[:6].lower() == "arxiv:":
        text = text[6:].strip()
    if (found := _bare_id(text)) is not None:
        return found
    return _from_url(text)


def id_prefix(text: str) -> str:
    """The id-like part of a partial reference, for prefix autocomplete: ``'arXiv:2505.1'``.

    Unlike :func:`parse_ref` this accepts incomplete input and returns it lower-cased with any
    known URL or ``arXiv:`` prefix removed; it never fails, it may just return ``''``.
    """
    return _PREFIXES.sub("", text.strip()).strip().lower()


def _bare_id(text: str) -> str | None:
    text = text.removesuffix("/").removesuffix(".pdf")
    if (found := _NEW_ID.fullmatch(text)) is not None:
        return found.group(1)
    if (old := _OLD_ID.fullmatch(text.lower())) is not None:
        return f"{old.group(1)}/{old.group(2)}"
    return None


def _from_url(text: str) -> str | None:
    if not _SCHEME.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    path = parts.path.lstrip("/")
    if host in _ARXIV_HOSTS:
        for prefix in _ARXIV_PATHS:
            if path.startswith(prefix):
                return _bare_id(path.removeprefix(prefix))
        return None
    if host in _HF_HOSTS and path.startswith("papers/"):
        return _bare_id(path.removeprefix("papers/"))
    return None
