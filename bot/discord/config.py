"""``[discord]``: how the Discord bot connects. The token comes from the environment only."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DiscordConfig"]


class DiscordConfig(BaseModel):
    """``[discord]``: how the Discord bot connects. The token comes from the environment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    api_base_url: str = Field(
        default="https://discord.com/api/v10", description="REST base URL (tests and proxies)"
    )
    gateway_url: str | None = Field(
        default=None, description="gateway URL override; None asks Discord (GET /gateway/bot)"
    )
    dev_guild_id: int | None = Field(
        default=None, description="sync commands to this guild only (instant, for development)"
    )
    shard_count: int | None = Field(
        default=None, ge=1, description="number of shards; None lets Discord decide"
    )
    shard_ids: tuple[int, ...] | None = Field(
        default=None,
        description="the shards this process runs (needs shard_count); None runs them all",
    )
    # Each HTTP request, not a whole call: discord.py's own waits between its retries (up to
    # 30 s for a 429, see bot.discord.poster.MAX_RATE_LIMIT_WAIT) are not counted.
    request_timeout: float = Field(
        default=30.0, gt=0, description="seconds a posting REST request may take"
    )

    @model_validator(mode="after")
    def _shards_of_the_count(self) -> Self:
        # Discord routes a guild to shard (guild_id >> 22) % shard_count: processes that split
        # the shards must agree on the count, and each id must be one of its shards.
        ids = self.shard_ids
        if ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("shard_ids needs shard_count: every process must use the same count")
        if not ids:
            raise ValueError("shard_ids is empty: leave it out to run every shard")
        if len(set(ids)) != len(ids):
            raise ValueError("shard_ids lists a shard twice")
        if outside := sorted(i for i in ids if not 0 <= i < self.shard_count):
            raise ValueError(
                f"shard_ids {outside} out of range: shards are 0 to {self.shard_count - 1}"
            )
        return self
