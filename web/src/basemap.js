// Offline basemap: Natural Earth 1:50m countries (public domain, via npm world-atlas), bundled as a
// hashed asset next to the page and turned into GeoJSON in the browser with topojson-client. No tile
// server, no glyph server: an air-gapped watch centre gets the same coastline as a connected one.
// One file gives both the land fill (country polygons) and the borders (shared arcs only).
import { feature, mesh } from "topojson-client";
import countriesUrl from "world-atlas/countries-50m.json?url";

export const SEA_COLOUR = "#0b2a3f";
export const LAND_COLOUR = "#2f3b34";
export const BORDER_COLOUR = "#5b6b60";

/** {land, borders} GeoJSON; null when the asset cannot be read (the map still works, on plain sea). */
export async function loadBasemap() {
  try {
    const response = await fetch(countriesUrl);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const topo = await response.json();
    const countries = topo.objects.countries;
    return {
      land: feature(topo, countries),
      borders: mesh(topo, countries, (a, b) => a !== b),
    };
  } catch (err) {
    console.error(`basemap unavailable: ${err.message}`);
    return null;
  }
}

/** A MapLibre style with no remote sources at all: the sea background; land is added once loaded. */
export function offlineStyle() {
  return {
    version: 8,
    name: "seawarden-offline",
    sources: {},
    layers: [{ id: "sea", type: "background", paint: { "background-color": SEA_COLOUR } }],
  };
}

/** Add land and borders under every other layer. */
export function addBasemap(map, basemap) {
  if (!basemap) return;
  map.addSource("land", { type: "geojson", data: basemap.land });
  map.addSource("borders", { type: "geojson", data: basemap.borders });
  map.addLayer({ id: "land", type: "fill", source: "land", paint: { "fill-color": LAND_COLOUR } });
  map.addLayer({
    id: "borders",
    type: "line",
    source: "borders",
    paint: { "line-color": BORDER_COLOUR, "line-width": 0.8, "line-dasharray": [3, 2] },
  });
}
