"""Placeholder: the real scanner lands in the next commit."""

from __future__ import annotations

from pathlib import Path

from .models import Digest


def parse_digest(text: str, *, source: str | None = None) -> Digest:
    raise NotImplementedError


def parse_digest_bytes(data: bytes, *, source: str | None = None) -> Digest:
    raise NotImplementedError


def parse_digest_file(path: str | Path) -> Digest:
    raise NotImplementedError
