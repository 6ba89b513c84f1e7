"""Geography: areas of interest, undersea infrastructure, ports and the land mask, with fast queries."""

from seawarden.geo.config import GeoConfig
from seawarden.geo.context import GeoContext
from seawarden.geo.loader import FeatureProblem, GeoDataError, load_areas, load_assets, load_ports
from seawarden.geo.model import ASSET_KINDS, Area, Asset, AssetHit, Port
from seawarden.geo.paths import installed_areas_path, user_data_dir

__all__ = [
    "ASSET_KINDS",
    "Area",
    "Asset",
    "AssetHit",
    "FeatureProblem",
    "GeoConfig",
    "GeoContext",
    "GeoDataError",
    "Port",
    "installed_areas_path",
    "load_areas",
    "load_assets",
    "load_ports",
    "user_data_dir",
]
