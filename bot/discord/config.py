"""``[discord]``: how the Discord bot connects. The token comes from the environment only."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
    # Each HTTP request, not a whole call: discord.py's own waits between its retries (up to
    # 30 s for a 429, see bot.discord.poster.MAX_RATE_LIMIT_WAIT) are not counted.
    request_timeout: float = Field(
        default=30.0, gt=0, description="seconds a posting REST request may take"
    )
