"""``[enrichment]``: whether and how cards are enriched from Hugging Face.

A model only; the composition root mounts it on :class:`bot.config.Config`. On by default:
a user who never heard of it gets authors, upvotes and code links on their cards.
"""

from __future__ import annotations

import os
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["API_ENV", "DEFAULT_API", "EnrichmentConfig"]

#: Hugging Face's public API (``/daily_papers``, ``/papers/{id}``).
DEFAULT_API: Final = "https://huggingface.co/api"
#: Overrides the default API for every config that does not name one: a mirror, or a test
#: suite that must never reach the internet.
API_ENV: Final = "PAPERBOT_HF_API"


def _default_api() -> str:
    return os.environ.get(API_ENV) or DEFAULT_API


class EnrichmentConfig(BaseModel):
    """The ``[enrichment]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="fetch paper metadata from Hugging Face")
    api_base_url: str = Field(
        default_factory=_default_api,
        description=f"the Hugging Face API's base URL (default: ${API_ENV}, else {DEFAULT_API})",
    )
    timeout: float = Field(
        10.0, gt=0, le=120, description="seconds one request may take, retries included"
    )
    refresh: int = Field(
        15,
        ge=0,
        le=24 * 60,
        description="minutes before each posting time to fetch fresh upvotes (0: never)",
    )

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """An absolute ``http(s)`` URL (``http`` for a local mirror), without a trailing ``/``."""
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local mirror)")
        return value.rstrip("/")
