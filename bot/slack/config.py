"""``[slack]``: how the Slack app connects. Tokens come from the environment only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SlackConfig"]


class SlackConfig(BaseModel):
    """``[slack]``: how the Slack app connects. Tokens come from the environment only."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["socket", "http"] = Field(
        default="socket", description="socket: no public URL needed; http: Slack calls us"
    )
    host: str = Field(default="127.0.0.1", description="HTTP mode: address to listen on")
    port: int = Field(default=3000, ge=1, le=65535, description="HTTP mode: port")
    path: str = Field(default="/slack/events", description="HTTP mode: request URL path")
    api_base_url: str = Field(
        default="https://slack.com/api/", description="Web API base URL (tests and proxies)"
    )
    request_timeout: float = Field(
        default=30.0, gt=0, description="seconds one Web API request may take (slack_sdk's 30)"
    )
    admins: tuple[str, ...] = Field(
        default=(),
        description="user ids (U…) who may /subscribe besides workspace admins and owners",
    )
