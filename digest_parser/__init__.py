"""Read Hugging Face Daily Papers digests into typed records.

Pure and synchronous: text in, :class:`Digest` out, irregularities reported as line-numbered
:class:`ParseWarning` values rather than exceptions. Imports nothing else of paperbot's.
"""

from .errors import DigestError, DigestParseError, UnknownSectionError
from .models import Digest, Paper, ParseWarning, Section
from .parser import parse_digest, parse_digest_bytes, parse_digest_file
from .sections import SectionKey

__all__ = [
    "Digest",
    "DigestError",
    "DigestParseError",
    "Paper",
    "ParseWarning",
    "Section",
    "SectionKey",
    "UnknownSectionError",
    "parse_digest",
    "parse_digest_bytes",
    "parse_digest_file",
]
