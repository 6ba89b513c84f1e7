"""Loading ``[serve]`` configuration next to the rest of :class:`seawarden.config.Settings`.

The ``[serve]`` table lives in the same TOML file and the same ``SEAWARDEN_*`` environment
(``SEAWARDEN_SERVE__STORE_URL=...``), but it is validated here rather than in ``Settings``: the service
settings pull in the API (web framework, database) and delivery models, and ``seawarden replay``
must not pay their import time.
"""

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from seawarden.config import ConfigError, Settings, describe_errors, read_config_file
from seawarden.service.config import ServeSettings


class _ServeEnvironment(BaseSettings):
    """``SEAWARDEN_SERVE__*`` variables as a nested dict (validated with the file's table)."""

    model_config = SettingsConfigDict(env_prefix="SEAWARDEN_", env_nested_delimiter="__", extra="ignore")

    serve: dict[str, Any] = {}


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load(path: str | Path | None = None) -> tuple[Settings, ServeSettings]:
    """(core settings, service settings) from ``path`` / ``$SEAWARDEN_CONFIG`` and the environment."""
    data, where = read_config_file(path)
    serve_data = _merge(data.pop("serve", {}), _ServeEnvironment().serve)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration {where}: {describe_errors(exc)}") from None
    try:
        serve = ServeSettings(**serve_data)
    except ValidationError as exc:
        raise ConfigError(f"invalid [serve] configuration {where}: serve.{describe_errors(exc)}") from None
    return settings, serve
