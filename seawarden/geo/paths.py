"""Where geo data lives: bundled files in the package, user files in the user's data dir."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_AREAS = DATA_DIR / "areas.geojson"
BUNDLED_INFRASTRUCTURE = DATA_DIR / "infrastructure.geojson"
BUNDLED_PORTS = DATA_DIR / "ports.geojson"
BUNDLED_LAND = DATA_DIR / "land.geojson"
BUNDLED_WATERWAYS = DATA_DIR / "waterways.geojson"
USER_AREAS_FILE = "areas.geojson"


def user_data_dir() -> Path:
    """``$SEAWARDEN_DATA_DIR``, else ``$XDG_DATA_HOME/seawarden``, else ``~/.local/share/seawarden``."""
    explicit = os.environ.get("SEAWARDEN_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "seawarden"


def installed_areas_path() -> Path | None:
    """The areas file imported with ``seawarden areas import``, when there is one."""
    path = user_data_dir() / USER_AREAS_FILE
    return path if path.is_file() else None
