"""``[enrichment]``: whether and how cards are enriched from Hugging Face.

A model only; the composition root mounts it on :class:`bot.config.Config`. On by default:
a user who never heard of it gets authors, upvotes and code links on their cards.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_API", "EnrichmentConfig"]

#: Hugging Face's public API (``/daily_papers``, ``/papers/{id}``).
DEFAULT_API: Final = "https://huggingface.co/api"


class EnrichmentConfig(BaseModel):
    """The ``[enrichment]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="fetch paper metadata from Hugging Face")
    api_base_url: str = Field(DEFAULT_API, description="the Hugging Face API's base URL")
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
