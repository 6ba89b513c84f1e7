"""GeoJSON of the GeoContext the pipeline uses, built once (the context does not change at run time)."""

from typing import Any

from shapely.geometry import mapping

from seawarden.api.context import ApiContext
from seawarden.geo import Area, Asset


def area_feature(area: Area) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": area.id,
        "geometry": mapping(area.geometry),
        "properties": {
            "id": area.id,
            "name": area.name,
            "countries": list(area.countries),
            "assets": list(area.assets),
            "description": area.description,
        },
    }


def asset_feature(asset: Asset) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": asset.id,
        "geometry": mapping(asset.geometry),
        "properties": {
            "id": asset.id,
            "name": asset.name,
            "kind": asset.kind,
            "operator": asset.operator,
            "landing_points": list(asset.landing_points),
            "description": asset.description,
        },
    }


def collection(ctx: ApiContext, what: str) -> dict[str, Any]:
    """The cached FeatureCollection of ``"areas"`` or ``"assets"``."""
    key = f"geojson:{what}"
    if key not in ctx.cache:
        features = (
            [area_feature(a) for a in ctx.geo.areas]
            if what == "areas"
            else [asset_feature(a) for a in ctx.geo.assets]
        )
        ctx.cache[key] = {"type": "FeatureCollection", "features": features}
    return ctx.cache[key]


def feature(ctx: ApiContext, what: str, item_id: str) -> dict[str, Any] | None:
    for item in collection(ctx, what)["features"]:
        if item["id"] == item_id:
            return item
    return None
