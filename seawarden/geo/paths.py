"""Where geo data lives: bundled files in the package, user files in the user's data dir."""

from __future__ import annotations

from pathlib import Path

from seawarden.paths import data_dir as user_data_dir

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_AREAS = DATA_DIR / "areas.geojson"
BUNDLED_INFRASTRUCTURE = DATA_DIR / "infrastructure.geojson"
BUNDLED_PORTS = DATA_DIR / "ports.geojson"
BUNDLED_LAND = DATA_DIR / "land.geojson"
BUNDLED_WATERWAYS = DATA_DIR / "waterways.geojson"
USER_AREAS_FILE = "areas.geojson"


def installed_areas_path() -> Path | None:
    """The areas file imported with ``seawarden areas import``, when there is one."""
    path = user_data_dir() / USER_AREAS_FILE
    return path if path.is_file() else None
