"""Configuration: ``config.toml`` read with :mod:`tomllib` into models that reject typos.

Secrets (bot tokens, signing secrets) never live here: they come from the environment only,
so a config file can be committed and shared. Every key is documented in
``config.example.toml``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.daily.config import ScheduleConfig, SourcesConfig, SubscriptionConfig

__all__ = [
    "Config",
    "ConfigError",
    "DeliveryConfig",
    "DiscordConfig",
    "LoggingConfig",
    "PacingConfig",
    "Secrets",
    "SlackConfig",
    "StorageConfig",
    "load_config",
]

#: Each secret's environment variable: the only place it is read from.
SECRET_ENV: Final = {
    "discord_token": "DISCORD_TOKEN",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
}
#: A config key with one of these words in its name is a secret put in the wrong place.
_SECRET_WORDS: Final = ("token", "secret", "password")

#: Looked up in this order when no ``--config`` is given.
CONFIG_ENV = "PAPERBOT_CONFIG"
DEFAULT_CONFIG = Path("config.toml")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ConfigError(Exception):
    """The config file is unreadable or invalid; the message says where and why."""


class StorageConfig(BaseModel):
    """``[storage]``: where the paper archive lives."""

    model_config = _STRICT
    path: str = Field(default="paperbot.db", description="SQLite file, or ':memory:'")


class LoggingConfig(BaseModel):
    """``[logging]``."""

    model_config = _STRICT
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class SlackConfig(BaseModel):
    """``[slack]``: how the Slack app connects. Tokens come from the environment only."""

    model_config = _STRICT
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


class DiscordConfig(BaseModel):
    """``[discord]``: how the Discord bot connects. The token comes from the environment."""

    model_config = _STRICT
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


class PacingConfig(BaseModel):
    """Send rates for one platform, kept under its limits so a fan-out gets no 429."""

    model_config = _STRICT
    per_channel_per_second: float = Field(gt=0, description="messages/s in one channel")
    channel_burst: int = Field(default=1, ge=1, description="messages sent back to back")
    overall_per_second: float | None = Field(default=None, gt=0, description="across channels")
    overall_burst: int = Field(default=1, ge=1)


class DeliveryConfig(BaseModel):
    """``[delivery]``: retries and pacing of the outbox worker."""

    model_config = _STRICT
    max_attempts: int = Field(default=8, ge=1, description="tries before a card is 'failed'")
    base_delay: float = Field(default=1.0, gt=0, description="first back-off, seconds")
    max_delay: float = Field(default=300.0, gt=0, description="longest back-off, seconds")
    # Slack: chat.postMessage allows about 1 message/s per channel plus an undocumented
    # workspace-wide cap (shared/platform-limits.md); 5/s overall stays well inside it. A burst
    # of 2 recovers time a late wake-up lost (benchmarks/fanout.py: 98.5% of the limit, no 429).
    slack: PacingConfig = PacingConfig(
        per_channel_per_second=1.0, overall_per_second=5.0, overall_burst=2
    )
    # Discord: about 5 messages per 5 s per channel [3p], 50 requests/s per bot; interaction
    # responses are exempt, so 48/s with a burst of 2 never exceeds 50 in any second.
    discord: PacingConfig = PacingConfig(
        per_channel_per_second=1.0, channel_burst=5, overall_per_second=48.0, overall_burst=2
    )


class Config(BaseModel):
    """The whole ``config.toml``."""

    model_config = _STRICT
    storage: StorageConfig = StorageConfig()
    logging: LoggingConfig = LoggingConfig()
    slack: SlackConfig = SlackConfig()
    discord: DiscordConfig = DiscordConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    schedule: ScheduleConfig = ScheduleConfig()
    sources: SourcesConfig = SourcesConfig()


class Secrets(BaseModel):
    """Credentials, read from the environment and never from a file.

    ``repr`` hides every value so a secret cannot reach a log line or a traceback.
    """

    model_config = ConfigDict(frozen=True)
    discord_token: str | None = Field(default=None, repr=False)
    slack_bot_token: str | None = Field(default=None, repr=False)
    slack_app_token: str | None = Field(default=None, repr=False)
    slack_signing_secret: str | None = Field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Secrets:
        """Read ``DISCORD_TOKEN`` and ``SLACK_BOT_TOKEN``/``_APP_TOKEN``/``_SIGNING_SECRET``."""
        env = os.environ if environ is None else environ
        return cls(**{field: env.get(name) or None for field, name in SECRET_ENV.items()})

    def values(self) -> list[str]:
        """Every secret that is set, for redacting logs and error messages."""
        return [v for v in self.model_dump().values() if v]


def load_config(path: Path | None = None) -> Config:
    """Load the config from ``path``, ``$PAPERBOT_CONFIG`` or ``./config.toml``; else defaults.

    Raises:
        ConfigError: The file named explicitly is missing, or any file is invalid.
    """
    explicit = path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    chosen = explicit or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    if chosen is None:
        return Config()
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{chosen}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{chosen}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{chosen}: invalid TOML: {error}") from None
    for where in _secret_keys(data):
        raise ConfigError(
            f"{chosen}: {'.'.join(where)}: secrets go in the environment: {_secret_env(where)} "
            "(delete it from this file; if the file was ever shared, reset the secret too)"
        )
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"{chosen}: {problems}") from None


def _secret_keys(value: Any, where: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where the parsed TOML holds a key named like a secret (no config key is)."""
    found: list[tuple[str, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            path = (*where, str(key))
            if isinstance(item, dict | list):  # a table ([secrets]) is searched, not named
                found += _secret_keys(item, path)
            elif any(word in str(key).lower() for word in _SECRET_WORDS):
                found.append(path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _secret_keys(item, (*where, str(index)))
    return found


def _secret_env(where: tuple[str, ...]) -> str:
    """The environment variable a secret found at ``where`` belongs in (never its value)."""
    key, scope = where[-1].lower(), "_".join(where).lower()
    if "discord" in scope:
        return SECRET_ENV["discord_token"]
    if "slack" in scope:
        if "app" in key:
            return SECRET_ENV["slack_app_token"]
        if "sign" in key or "secret" in key:
            return SECRET_ENV["slack_signing_secret"]
        return SECRET_ENV["slack_bot_token"]
    return ", ".join(SECRET_ENV.values())
