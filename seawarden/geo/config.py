"""Thresholds of the geo stage (gathered into ``seawarden.config.Settings``)."""

from pydantic import BaseModel, Field


class GeoConfig(BaseModel):
    """Geo query settings.

    ``land_margin_m``: a position counts as *on land* only when it lies deeper inside the Natural
    Earth 1:10m land polygons than this. That coastline is accurate to roughly 1 km and omits
    most quays, so vessels moored in Helsinki South Harbour or at Rotterdam Maasvlakte fall
    "inside" land by a few hundred metres; 500 m keeps them at sea while inland positions
    (spoofed or corrupted fixes) are still flagged.
    """

    land_margin_m: float = Field(500.0, ge=0.0, le=20_000.0)
    densify_m: float = Field(
        5_000.0,
        gt=100.0,
        description="Asset and area lines are split into pieces no longer than this, so that straight "
        "lines in lon/lat stay within metres of the geodesic and local metric distances stay exact.",
    )
    grid_deg: float = Field(
        0.1, gt=0.0, le=2.0, description="Cell size of the coarse pre-filter grid (degrees)."
    )
