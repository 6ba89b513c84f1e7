// The map. MapLibre GL JS rather than Leaflet: it draws every vessel on the GPU from one GeoJSON
// source that we update in place (setData), so 5,000 moving vessels cost one buffer upload per
// update instead of 5,000 DOM nodes; it rotates heading arrows in the shader; and with
// preserveDrawingBuffer the canvas exports straight to PNG. It works without any network (our
// style has no remote sources and no text layers, so no glyph server is needed).
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { addBasemap, loadBasemap, offlineStyle } from "./basemap.js";
import { toMillis } from "./format.js";

maplibregl.setWorkerUrl(workerUrl);

export const ASSET_STYLES = {
  power_cable: { colour: "#f7d154", dash: [1, 0], label: "power cable" },
  telecom_cable: { colour: "#4fc3f7", dash: [2, 1.5], label: "telecom cable" },
  gas_pipeline: { colour: "#ff8a65", dash: [1, 0], label: "gas pipeline", width: 3 },
  oil_pipeline: { colour: "#a1887f", dash: [1, 0], label: "oil pipeline", width: 3 },
  other: { colour: "#bdbdbd", dash: [1, 1], label: "other asset" },
};

const EMPTY = { type: "FeatureCollection", features: [] };
const BALTIC = { center: [17.5, 57.5], zoom: 4.6 };
// Vessel redraws wait this many (measured) map frames after the last one, but never longer than
// the cap, so a position is on screen within ~2 s however slow the machine draws.
const VESSEL_REDRAW_GAP_FRAMES = 6;
const VESSEL_REDRAW_MAX_GAP_MS = 2000;

// Risk colour ramp in the style language (same bands as format.riskColour).
const RISK_COLOUR = [
  "step", ["coalesce", ["get", "risk"], 0],
  "#91cf60", 20, "#d9ef8b", 40, "#fdae61", 65, "#f46d43", 85, "#d7191c",
];

/** A small arrow drawn in code (no sprite download) so symbol layers can show course. */
function arrowImage(size = 24) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.beginPath();
  ctx.moveTo(size / 2, 1);
  ctx.lineTo(size - 4, size - 3);
  ctx.lineTo(size / 2, size - 8);
  ctx.lineTo(4, size - 3);
  ctx.closePath();
  ctx.fill();
  return ctx.getImageData(0, 0, size, size);
}

function assetKindExpression(prop) {
  const expr = ["match", ["get", "kind"]];
  for (const [kind, style] of Object.entries(ASSET_STYLES)) {
    if (kind !== "other") expr.push(kind, prop(style));
  }
  expr.push(prop(ASSET_STYLES.other));
  return expr;
}

export class OpsMap {
  constructor(container, { onVesselClick } = {}) {
    this.map = new maplibregl.Map({
      container,
      style: offlineStyle(),
      ...BALTIC,
      attributionControl: { compact: true, customAttribution: "Natural Earth" },
      // No MSAA (MapLibre's default): its shaders already smooth lines and circles, and on
      // software WebGL multisampling tripled the cost of every frame (measured: ~750 -> ~250 ms).
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
      maxZoom: 16,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
    this.map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
    this.vessels = new Map(); // mmsi -> feature; merged from REST snapshots and WebSocket deltas
    this.vesselsDirty = false;
    this.frameMs = 16.7; // moving average of the frames around map renders (see addLayers)
    this.counts = { areas: 0, assets: 0 };
    this.onVesselClick = onVesselClick;
    const basemap = loadBasemap();
    this.ready = new Promise((resolve) => this.map.on("load", resolve))
      .then(() => basemap)
      .then((layers) => {
        addBasemap(this.map, layers);
        this.addLayers();
      });
    this.popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8 });
  }

  addLayers() {
    const m = this.map;
    m.addImage("arrow", arrowImage(), { sdf: true });
    for (const id of ["areas", "assets", "vessels", "track", "evidence", "replay"]) {
      m.addSource(id, { type: "geojson", data: EMPTY });
    }
    m.addLayer({
      id: "areas-fill", type: "fill", source: "areas",
      paint: { "fill-color": "#8e7cc3", "fill-opacity": 0.12 },
    });
    m.addLayer({
      id: "areas-line", type: "line", source: "areas",
      paint: { "line-color": "#b4a7d6", "line-width": 1.2, "line-dasharray": [4, 2] },
    });
    m.addLayer({
      id: "assets-line", type: "line", source: "assets",
      paint: {
        "line-color": assetKindExpression((s) => s.colour),
        "line-width": assetKindExpression((s) => s.width || 2),
        "line-opacity": 0.9,
      },
    });
    m.addLayer({
      id: "track-line", type: "line", source: "track", filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": "#ffffff", "line-width": 2, "line-opacity": 0.8 },
    });
    m.addLayer({
      id: "track-points", type: "circle", source: "track", filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 2, "circle-color": "#ffffff", "circle-opacity": 0.7 },
    });
    m.addLayer({
      id: "vessels-dot", type: "circle", source: "vessels",
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["coalesce", ["get", "risk"], 0], 0, 3, 100, 7],
        "circle-color": RISK_COLOUR,
        "circle-stroke-color": "#0b2a3f",
        "circle-stroke-width": 0.8,
      },
    });
    m.addLayer({
      id: "vessels-arrow", type: "symbol", source: "vessels", minzoom: 7,
      filter: ["has", "course"],
      layout: {
        "icon-image": "arrow", "icon-size": 0.6, "icon-rotate": ["get", "course"],
        "icon-rotation-alignment": "map", "icon-allow-overlap": true, "icon-ignore-placement": true,
        "icon-offset": [0, -14],
      },
      paint: { "icon-color": RISK_COLOUR },
    });
    m.addLayer({
      id: "evidence-dot", type: "circle", source: "evidence",
      paint: {
        "circle-radius": 7, "circle-color": "rgba(0,0,0,0)",
        "circle-stroke-color": ["case", ["boolean", ["get", "past"], true], "#ffeb3b", "#7f7f7f"],
        "circle-stroke-width": 2.5,
      },
    });
    m.addLayer({
      id: "replay-dot", type: "circle", source: "replay",
      paint: { "circle-radius": 8, "circle-color": "#00e5ff", "circle-stroke-color": "#fff", "circle-stroke-width": 2 },
    });
    m.on("click", "vessels-dot", (e) => {
      const f = e.features && e.features[0];
      if (f && this.onVesselClick) this.onVesselClick(Number(f.properties.mmsi));
    });
    m.on("mouseenter", "vessels-dot", (e) => {
      m.getCanvas().style.cursor = "pointer";
      const p = e.features[0].properties;
      this.popup.setLngLat(e.lngLat).setText(`${p.name || "(no name)"} · ${p.mmsi} · risk ${p.risk ?? "—"}`).addTo(m);
    });
    m.on("mouseleave", "vessels-dot", () => {
      m.getCanvas().style.cursor = "";
      this.popup.remove();
    });
    m.on("mouseenter", "evidence-dot", (e) => {
      const p = e.features[0].properties;
      this.popup.setLngLat(e.lngLat).setText(`${String(p.kind).replace(/_/g, " ")} · ${p.time || ""}`).addTo(m);
    });
    m.on("mouseleave", "evidence-dot", () => this.popup.remove());
    // Redraw vessels at most once per animation frame however many WebSocket updates arrive, and
    // leave idle frames between redraws in proportion to what drawing the map costs on this machine
    // (each vessel update repaints every layer). A GPU draws a frame in a few ms: vessels then
    // move ~10 times a second. Software WebGL (a VDI desktop without a GPU) needs ~250 ms a frame:
    // redrawing on every update would leave no time for the officer's clicks and pans, so vessels
    // move about once a second there. AIS reports come every 2-10 s, so no position is lost.
    let lastFrame = 0;
    let lastFlush = 0;
    let framesSinceRender = Infinity;
    m.on("render", () => (framesSinceRender = 0));
    const flush = (now) => {
      // frames next to a map render carry its cost (whichever rAF callback runs first)
      if (lastFrame && framesSinceRender <= 1) this.frameMs += 0.25 * (now - lastFrame - this.frameMs);
      lastFrame = now;
      framesSinceRender += 1;
      const gap = Math.min(VESSEL_REDRAW_MAX_GAP_MS, VESSEL_REDRAW_GAP_FRAMES * this.frameMs);
      if (this.vesselsDirty && now - lastFlush >= gap) {
        this.vesselsDirty = false;
        lastFlush = now;
        m.getSource("vessels").setData({ type: "FeatureCollection", features: [...this.vessels.values()] });
      }
      requestAnimationFrame(flush);
    };
    requestAnimationFrame(flush);
  }

  setAreas(geojson) {
    this.map.getSource("areas").setData(geojson || EMPTY);
    this.counts.areas = (geojson?.features || []).length;
  }

  setAssets(geojson) {
    this.map.getSource("assets").setData(geojson || EMPTY);
    this.counts.assets = (geojson?.features || []).length;
  }

  /** Merge vessel reports; `replace` drops vessels absent from a full snapshot. Returns how many were unusable. */
  updateVessels(list, { replace = false } = {}) {
    let bad = 0;
    if (replace) this.vessels.clear();
    for (const v of list) {
      const lat = Number(v.lat);
      const lon = Number(v.lon);
      if (v.lat === null || v.lon === null || !Number.isFinite(lat) || !Number.isFinite(lon) ||
          Math.abs(lat) > 90 || Math.abs(lon) > 180 || !v.mmsi) {
        bad += 1;
        continue;
      }
      const course = Number.isFinite(Number(v.heading)) && v.heading !== null ? Number(v.heading) : v.cog;
      const properties = { mmsi: v.mmsi, name: v.name || "", risk: Number(v.risk) || 0, sog: v.sog, time: v.time };
      if (course !== null && course !== undefined && Number.isFinite(Number(course))) properties.course = Number(course);
      this.vessels.set(v.mmsi, { type: "Feature", id: v.mmsi, geometry: { type: "Point", coordinates: [lon, lat] }, properties });
    }
    this.vesselsDirty = true;
    return bad;
  }

  vesselCount() {
    return this.vessels.size;
  }

  /** The selected vessel's track (line + fixes) and its alerts' evidence points. */
  showTrack(points, evidence) {
    const coords = points.map((p) => [p.lon, p.lat]);
    const features = [];
    if (coords.length > 1) features.push({ type: "Feature", geometry: { type: "LineString", coordinates: coords }, properties: {} });
    for (const p of points) features.push({ type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] }, properties: { time: p.time } });
    this.map.getSource("track").setData({ type: "FeatureCollection", features });
    this.setEvidence(evidence, Infinity);
    if (coords.length) {
      const bounds = coords.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0]));
      for (const e of evidence) bounds.extend([e.lon, e.lat]);
      this.map.fitBounds(bounds, { padding: 80, maxZoom: 12, duration: 0 });
    }
  }

  /** Evidence points; those later than `untilMs` (replay position) are greyed. */
  setEvidence(evidence, untilMs) {
    const features = evidence.map((e) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [e.lon, e.lat] },
      properties: { kind: e.kind, time: e.time, past: !(toMillis(e.time) > untilMs) },
    }));
    this.map.getSource("evidence").setData({ type: "FeatureCollection", features });
  }

  setReplayPosition(point) {
    const data = point
      ? { type: "FeatureCollection", features: [{ type: "Feature", geometry: { type: "Point", coordinates: [point.lon, point.lat] }, properties: {} }] }
      : EMPTY;
    this.map.getSource("replay").setData(data);
  }

  clearSelection() {
    for (const id of ["track", "evidence", "replay"]) this.map.getSource(id).setData(EMPTY);
  }

  flyTo(lon, lat) {
    this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 9), duration: 600 });
  }

  /** PNG of the current map view (needs preserveDrawingBuffer, set above). */
  toPNG() {
    this.map.triggerRepaint();
    return this.map.getCanvas().toDataURL("image/png");
  }
}
