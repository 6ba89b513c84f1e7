"""One Settings object: defaults work, a TOML file overrides them, SEAWARDEN_* variables override the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from seawarden.config import ConfigError, Settings
from seawarden.types import Severity


def test_defaults_work_without_any_file() -> None:
    settings = Settings.load(None)
    assert settings.alerts.min_severity is Severity.LOW
    assert settings.assess.anchor_drag.min_score > 0
    assert settings.decode.multipart_timeout_s == 60.0


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "seawarden.toml"
    config.write_text(
        '[alerts]\nmin_severity = "medium"\nincident_window_s = 3600\n'
        "[assess.anchor_drag]\nmin_score = 0.6\n"
        "[geo]\nland_margin_m = 800\n"
    )
    settings = Settings.load(config)
    assert settings.alerts.min_severity is Severity.MEDIUM
    assert settings.alerts.incident_window_s == 3600
    assert settings.assess.anchor_drag.min_score == 0.6
    assert settings.geo.land_margin_m == 800
    monkeypatch.setenv("SEAWARDEN_ALERTS__MIN_SEVERITY", "high")
    assert Settings.load(config).alerts.min_severity is Severity.HIGH


def test_errors_name_the_setting_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[alerts]\nupdate_interval_s = -5\n")
    with pytest.raises(
        ConfigError, match=r"alerts\.update_interval_s.*bad\.toml|bad\.toml.*alerts\.update_interval_s"
    ):
        Settings.load(config)
    config.write_text("[nonsense]\nx = 1\n")
    with pytest.raises(ConfigError, match="nonsense"):
        Settings.load(config)
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "missing.toml")
