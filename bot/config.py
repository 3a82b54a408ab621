"""Configuration: ``config.toml`` read with :mod:`tomllib` into models that reject typos.

Secrets (bot tokens, signing secrets) never live here: they come from the environment only,
so a config file can be committed and shared. Every key is documented in
``config.example.toml``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Config", "ConfigError", "LoggingConfig", "StorageConfig", "load_config"]

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


class Config(BaseModel):
    """The whole ``config.toml``."""

    model_config = _STRICT
    storage: StorageConfig = StorageConfig()
    logging: LoggingConfig = LoggingConfig()


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
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"{chosen}: {problems}") from None
