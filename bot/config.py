"""Configuration: ``config.toml`` read with :mod:`tomllib` into models that reject typos.

Secrets (bot tokens, signing secrets) never live here: they come from the environment only,
so a config file can be committed and shared. Every key is documented in
``config.example.toml``.

The platforms' parts come from their registrations (:data:`bot.platforms.PLATFORMS`): each
one's ``[name]`` table and ``[delivery.name]`` pacing, its :class:`Secrets` fields, and the
platforms and channel ids ``[[subscriptions]]`` accepts. They are fields added with
:func:`pydantic.create_model`, so ``Config(slack=…)``, ``config.slack`` and
``Secrets(discord_token=…)`` work as they always did; mypy sees only the fixed fields, so
typed code reads a platform's table with :meth:`Config.section`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from bot.core.daily import config as daily
from bot.core.daily.config import ScheduleConfig, SourcesConfig
from bot.core.enrichment.config import EnrichmentConfig
from bot.database_url import (
    DATABASE_ENV,
    NO_PASSWORD_HERE,
    has_password,
    is_database_url,
)
from bot.platforms import PLATFORMS, find_platform
from bot.registry import PacingConfig, either

__all__ = [
    "SECRET_ENV",
    "Config",
    "ConfigError",
    "DeliveryConfig",
    "LoggingConfig",
    "PacingConfig",
    "Secrets",
    "StorageConfig",
    "SubscriptionConfig",
    "load_config",
]

M = TypeVar("M", bound=BaseModel)

#: Platforms with credentials, by name: the order secrets are listed in.
_WITH_SECRETS: Final = sorted((p for p in PLATFORMS if p.secrets), key=lambda p: p.name)
#: Each secret's environment variable: the only place it is read from.
SECRET_ENV: Final = {s.field: s.env for p in _WITH_SECRETS for s in p.secrets}
#: A config key with one of these words in its name is a secret put in the wrong place.
_SECRET_WORDS: Final = ("token", "secret", "password")

#: Looked up in this order when no ``--config`` is given.
CONFIG_ENV = "PAPERBOT_CONFIG"
DEFAULT_CONFIG = Path("config.toml")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ConfigError(Exception):
    """The config file is unreadable or invalid; the message says where and why."""


def _with_platforms(base: type[M], fields: Mapping[str, tuple[Any, Any]]) -> type[M]:
    """``base`` plus one field per platform, after its own (pydantic keeps that order)."""
    name = base.__name__.lstrip("_")
    return create_model(name, __base__=base, __module__=__name__, **fields)  # type: ignore[call-overload, no-any-return]


class StorageConfig(BaseModel):
    """``[storage]``: where the paper archive lives: a SQLite file, or a PostgreSQL ``url``.

    The URL names the server, the user and the database, never the password: a config file
    is shared and committed, so the password comes from ``PAPERBOT_DATABASE_URL``,
    ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads both). An error never echoes the URL.
    """

    # The input is a URL that may hold a password: no validation error may repeat it.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)
    path: str = Field(default="paperbot.db", description="SQLite file, or ':memory:'")
    url: str | None = Field(
        default=None, description="postgresql://user@host:5432/db; wins over path"
    )

    @field_validator("url")
    @classmethod
    def _postgres_without_password(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not is_database_url(value):
            raise PydanticCustomError(
                "database_url", "Input should be a postgresql:// URL (an SQLite file is path)"
            )
        if has_password(value):
            raise PydanticCustomError("database_url", NO_PASSWORD_HERE)
        return value

    def location(self, environ: Mapping[str, str] | None = None) -> str:
        """Where the archive is: ``$PAPERBOT_DATABASE_URL``, else ``url``, else ``path``."""
        env = os.environ if environ is None else environ
        return env.get(DATABASE_ENV) or self.url or self.path


class LoggingConfig(BaseModel):
    """``[logging]``."""

    model_config = _STRICT
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class _Retries(BaseModel):
    model_config = _STRICT
    max_attempts: int = Field(default=8, ge=1, description="tries before a card is 'failed'")
    base_delay: float = Field(default=1.0, gt=0, description="first back-off, seconds")
    max_delay: float = Field(default=300.0, gt=0, description="longest back-off, seconds")
    # bot.core.delivery.lease.DEFAULT_TTL: a dead deliverer is replaced within this (+ a third).
    lease_seconds: float = Field(
        default=30.0, ge=1, description="delivery lease without renewal, seconds"
    )


class _Head(BaseModel):
    # [storage] url may hold a password (refused): no validation error may repeat any input.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)
    storage: StorageConfig = StorageConfig()
    logging: LoggingConfig = LoggingConfig()


class _SecretsHead(BaseModel):
    model_config = ConfigDict(frozen=True)

    if TYPE_CHECKING:  # every platform's field is a secret or None

        def __getattr__(self, name: str) -> str | None: ...


if TYPE_CHECKING:  # mypy sees the fixed fields; the platforms' are added below at run time
    _Pacings = _Retries
    _Tables = _Head
    _SecretFields = _SecretsHead
else:
    _Pacings = _with_platforms(
        _Retries, {p.name: (PacingConfig, p.pacing) for p in PLATFORMS if p.pacing}
    )
    _Tables = _with_platforms(
        _Head, {p.name: (p.settings, p.settings()) for p in PLATFORMS if p.settings}
    )
    _SecretFields = _with_platforms(
        _SecretsHead, {f: (str | None, Field(default=None, repr=False)) for f in SECRET_ENV}
    )


class DeliveryConfig(_Pacings):
    """``[delivery]``: retries of the outbox worker, and ``[delivery.<platform>]`` pacing.

    Each platform's default pacing, and why, is in its registration.
    """

    def pacing(self, platform: str) -> PacingConfig | None:
        """``[delivery.<platform>]``, or None for a platform sent to unpaced."""
        found = getattr(self, platform, None)
        return found if isinstance(found, PacingConfig) else None


class SubscriptionConfig(daily.SubscriptionConfig):
    """One ``[[subscriptions]]`` table, its platform and channel id checked by the registry."""

    @field_validator("platform", mode="before")
    @classmethod
    def _registered(cls, value: object) -> object:
        if not isinstance(value, str) or find_platform(value) is None:
            names = either([repr(p.name) for p in PLATFORMS])
            raise PydanticCustomError(
                "literal_error", "Input should be {expected}", {"expected": names}
            )
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str, info: ValidationInfo) -> str:
        # A name or a mistyped id would be planned daily and then fail at every send.
        platform = find_platform(info.data.get("platform", ""))  # absent if it was refused
        return platform.check_channel(value) if platform is not None else value


class Config(_Tables):
    """The whole ``config.toml``."""

    delivery: DeliveryConfig = DeliveryConfig()
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    schedule: ScheduleConfig = ScheduleConfig()
    sources: SourcesConfig = SourcesConfig()
    #: Built per Config, so the default API reads $PAPERBOT_HF_API then, not at import.
    enrichment: EnrichmentConfig = Field(default_factory=EnrichmentConfig)

    def section(self, name: str, model: type[M]) -> M:
        """The ``[name]`` table of a platform, as its model.

        Raises:
            LookupError: No platform registered a ``[name]`` table of that model.
        """
        found = getattr(self, name, None)
        if not isinstance(found, model):
            raise LookupError(f"no [{name}] table of {model.__name__} in the config")
        return found


class Secrets(_SecretFields):
    """Credentials, read from the environment and never from a file.

    ``repr`` hides every value so a secret cannot reach a log line or a traceback.
    """

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Secrets:
        """Read every platform's variables (``DISCORD_TOKEN``, ``SLACK_BOT_TOKEN``, …)."""
        env = os.environ if environ is None else environ
        return cls.model_validate(
            {field: env.get(name) or None for field, name in SECRET_ENV.items()}
        )

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
    """The environment variable a secret found at ``where`` belongs in (never its value).

    The first platform named in the key's path owns it; the key's words pick which of its
    secrets (``[slack] app_token`` is ``SLACK_APP_TOKEN``), else the one that switches it on.
    """
    key, scope = where[-1].lower(), "_".join(where).lower()
    for platform in _WITH_SECRETS:
        if platform.name in scope:
            hinted = (s for s in platform.secrets if any(h in key for h in s.hints))
            return next(hinted, platform.secrets[0]).env
    return ", ".join(SECRET_ENV.values())
