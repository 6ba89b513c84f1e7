"""All configuration in one place.

One :class:`Settings` object gathers every stage's own config model. Values come, in increasing
priority, from the defaults, a TOML file (``--config FILE`` or ``$SEAWARDEN_CONFIG``) and
``SEAWARDEN_*`` environment variables (nested with ``__``, e.g. ``SEAWARDEN_ALERTS__MIN_SEVERITY=medium``).
Every default works: SeaWarden runs with no configuration at all.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from seawarden.alerts.config import AlertConfig
from seawarden.assess.config import AssessConfig
from seawarden.decode import DecodeConfig
from seawarden.geo import GeoConfig, GeoContext, installed_areas_path
from seawarden.memory import retain_freed_memory
from seawarden.paths import data_dir as default_data_dir
from seawarden.track import TrackConfig


class ConfigError(ValueError):
    """A configuration file or variable is unusable; the message says which and how to fix it."""


class GeoSettings(GeoConfig):
    """Which geography to watch, and the geo query settings. ``None`` files mean the defaults."""

    areas: str | None = Field(
        None,
        description="GeoJSON of areas of interest "
        "(default: the one `seawarden areas import` saved, else the bundled 22).",
    )
    infrastructure: str | None = Field(None, description="GeoJSON of cables/pipelines (default: bundled).")
    ports: str | None = Field(None, description="GeoJSON of ports/anchorages (points with radius_m).")

    def context(self) -> GeoContext:
        """The GeoContext these settings describe (the cached bundled one when nothing is changed)."""
        config = GeoConfig(**{name: getattr(self, name) for name in GeoConfig.model_fields})
        areas = self.areas or installed_areas_path()
        if areas is None and self.infrastructure is None and self.ports is None and config == GeoConfig():
            return GeoContext.default()
        return GeoContext.load(areas, self.infrastructure, ports=self.ports, config=config)


class ProcessSettings(BaseModel):
    """How SeaWarden's own commands set up their process (a library user's process is left alone)."""

    retain_freed_memory: bool = Field(
        True,
        description="Keep freed memory for reuse instead of returning it to the operating system "
        "(glibc; seawarden.memory): bulk decoding measured 1.3-1.7x faster; the resident size stays "
        "near its peak.",
    )

    def apply(self) -> None:
        """Apply these settings to the current process (called once by replay, serve and demo)."""
        if self.retain_freed_memory:
            retain_freed_memory()


class Settings(BaseSettings):
    """Every setting of SeaWarden (the README's "Configuration" section has a commented example)."""

    model_config = SettingsConfigDict(env_prefix="SEAWARDEN_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    decode: DecodeConfig = Field(default_factory=DecodeConfig)
    geo: GeoSettings = Field(default_factory=GeoSettings)
    track: TrackConfig = Field(default_factory=TrackConfig)
    assess: AssessConfig = Field(default_factory=AssessConfig)
    alerts: AlertConfig = Field(default_factory=AlertConfig)
    process: ProcessSettings = Field(default_factory=ProcessSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file (passed as init kwargs):
        # operators override one value without editing files.
        return (env_settings, init_settings)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Settings:
        """Settings from a TOML file (optional) plus the environment; clear errors on bad input."""
        data, where = read_config_file(path)
        try:
            return cls(**data)
        except ValidationError as exc:
            raise ConfigError(f"invalid configuration {where}: {describe_errors(exc)}") from None


def read_config_file(path: str | Path | None) -> tuple[dict[str, Any], str]:
    """The TOML tables of ``path`` (or ``$SEAWARDEN_CONFIG``; none: ``{}``) and where they came from."""
    path = path or os.environ.get("SEAWARDEN_CONFIG")
    if not path:
        return {}, "in SEAWARDEN_* environment variables"
    file = Path(path)
    try:
        return tomllib.loads(file.read_text(encoding="utf-8")), f"in {path}"
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file} (check the --config path)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {file} is not valid TOML: {exc}") from None


def describe_errors(exc: ValidationError) -> str:
    """``section.setting: problem; ...`` from a pydantic error, for messages people read."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
