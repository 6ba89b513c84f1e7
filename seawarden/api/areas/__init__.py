"""Areas of interest and infrastructure assets as GeoJSON (from the running GeoContext)."""
