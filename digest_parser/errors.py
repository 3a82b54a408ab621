"""Exceptions raised by the digest parser.

The hierarchy is deliberately small::

    DigestError                      base for everything this package raises
    ├── DigestParseError             the input holds no recognisable digest at all
    └── UnknownSectionError          a section name that no alias resolves (also a ValueError)

Everything short of "no digest at all" is reported as a :class:`~digest_parser.models.ParseWarning`
instead of an exception, so one bad entry never costs the papers around it.
"""

from __future__ import annotations

__all__ = ["DigestError", "DigestParseError", "UnknownSectionError"]


class DigestError(Exception):
    """Base class for every error raised by :mod:`digest_parser`."""


class DigestParseError(DigestError):
    """The input cannot be read as a digest (empty, binary, invalid UTF-8, no entries).

    Attributes:
        source: The file name or label the text came from, if known.
        line: The 1-based line the problem was found on (1 when it concerns the whole input).
        byte_offset: For undecodable input, the offset of the first invalid byte.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int = 1,
        byte_offset: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.byte_offset = byte_offset
        super().__init__(self.location() + ": " + message)

    def location(self) -> str:
        """Return ``file:line`` (or ``<input>:line``) the way compilers print it."""
        return f"{self.source or '<input>'}:{self.line}"


class UnknownSectionError(DigestError, ValueError):
    """A section name that matches no key, alias, Korean heading or number.

    The message lists the valid names so that a chat reply can show it as is.
    """

    def __init__(self, text: str, valid: list[str]) -> None:
        self.text = text
        self.valid = valid
        super().__init__(f"unknown section {text!r}; valid sections: {', '.join(valid)}")
