"""Loading ``[serve]`` configuration next to the rest of :class:`seawarden.config.Settings`.

The ``[serve]`` table lives in the same TOML file and the same ``SEAWARDEN_*`` environment
(``SEAWARDEN_SERVE__STORE_URL=...``), but it is validated here rather than in ``Settings``: the service
settings pull in the API and delivery models, and ``seawarden replay`` on an air-gapped laptop must
not need the service's dependencies installed.
"""

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from seawarden.config import ConfigError, Settings
from seawarden.service.config import ServeSettings


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())


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
    path = path or os.environ.get("SEAWARDEN_CONFIG")
    data: dict[str, Any] = {}
    if path:
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {file} (check the --config path)") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {file} is not valid TOML: {exc}") from None
    serve_data = _merge(data.pop("serve", {}), _ServeEnvironment().serve)
    where = f"in {path}" if path else "in SEAWARDEN_* environment variables"
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration {where}: {_problems(exc)}") from None
    try:
        serve = ServeSettings(**serve_data)
    except ValidationError as exc:
        raise ConfigError(f"invalid [serve] configuration {where}: serve.{_problems(exc)}") from None
    return settings, serve
