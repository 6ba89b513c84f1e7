// The vessel dossier: who the vessel is (and was), why its risk is what it is, which watch-list
// entry it matches and on what evidence, its recent track on the map with the evidence points of
// its alerts, a replay slider over that track, and exports for the incident report.
import { esc, num, riskColour, toMillis, utc, words } from "./format.js";

const REPLAY_STEP_MS = 120;

/** Evidence items with a position, from every alert we know for the vessel (deduplicated). */
export function evidencePoints(alerts) {
  const seen = new Set();
  const out = [];
  for (const alert of alerts) {
    for (const e of alert.evidence || []) {
      const lat = Number(e.lat);
      const lon = Number(e.lon);
      if (e.lat === undefined || e.lat === null || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const key = `${e.kind}|${e.time}|${lat}|${lon}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind: e.kind || alert.kind, time: e.time || alert.time, lat, lon, alert: alert.id });
    }
  }
  return out.sort((a, b) => toMillis(a.time) - toMillis(b.time));
}

/** Track points, usable ones only, oldest first. */
export function cleanTrack(points) {
  return (points || [])
    .map((p) => ({ ...p, lat: Number(p.lat), lon: Number(p.lon), ms: toMillis(p.time ?? p.t) }))
    .filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon) && Number.isFinite(p.ms))
    .sort((a, b) => a.ms - b.ms);
}

export class Dossier {
  constructor({ api, map, alerts, elements }) {
    this.api = api;
    this.map = map;
    this.alerts = alerts;
    this.el = elements; // {panel, title, body, exports, replay, slider, play, time, close}
    this.track = [];
    this.evidence = [];
    this.timer = null;
    elements.close.addEventListener("click", () => this.close());
    elements.slider.addEventListener("input", () => this.scrub(Number(elements.slider.value)));
    elements.play.addEventListener("click", () => this.togglePlay());
    elements.exports.addEventListener("click", (event) => this.onExport(event));
  }

  async open(mmsi) {
    this.stop();
    this.mmsi = mmsi;
    this.el.panel.hidden = false;
    this.el.title.textContent = `Vessel ${mmsi}`;
    this.el.body.innerHTML = `<p class="muted">loading…</p>`;
    let detail;
    let points;
    try {
      [detail, points] = await Promise.all([
        this.api.get(`vessels/${mmsi}`),
        this.api.get(`vessels/${mmsi}/track`, { limit: 5000 }).catch(() => []),
      ]);
    } catch (err) {
      if (err.status !== 401) this.el.body.innerHTML = `<p class="error">Could not load the dossier: ${esc(err.message)}</p>`;
      return;
    }
    if (this.mmsi !== mmsi) return; // the officer already opened another vessel
    const vessel = detail.vessel || {};
    // the store's track is longer; the live view's recent track covers vessels not yet saved
    this.track = cleanTrack(Array.isArray(points) && points.length ? points : vessel.track);
    const known = new Map(this.alerts.forVessel(mmsi).map((a) => [a.id, a]));
    for (const a of detail.recent_alerts || []) if (!known.has(a.id)) known.set(a.id, a);
    this.evidence = evidencePoints([...known.values()]);
    this.el.title.textContent = `${vessel.name || vessel.identity?.name || "(no name)"} · ${mmsi}`;
    this.el.body.innerHTML = this.html(detail, vessel, [...known.values()]);
    this.el.body.dataset.mmsi = String(mmsi);
    const badge = this.el.body.querySelector(".risk-badge");
    if (badge) badge.style.background = riskColour(Number(vessel.risk) || 0); // CSSOM: allowed by our CSP
    this.map.showTrack(this.track, this.evidence);
    this.setupReplay();
    this.renderExports();
  }

  html(detail, v, alerts) {
    const id = v.identity || {};
    const pick = (name) => v[name] ?? id[name];
    const rows = [
      ["MMSI", detail.mmsi], ["IMO", pick("imo")], ["Call sign", pick("callsign")],
      ["Flag", [pick("flag"), id.flag_code].filter(Boolean).join(" / ")], ["Ship type", pick("ship_type")],
      ["Length", pick("length_m") ? `${pick("length_m")} m` : null], ["Draught", pick("draught")],
      ["Destination", pick("destination")], ["Position", v.lat != null ? `${num(v.lat, 4)}, ${num(v.lon, 4)}` : null],
      ["Speed / course", v.sog != null ? `${num(v.sog)} kn / ${num(v.cog, 0)}°` : null],
      ["Last seen", utc(v.last_seen || v.time)], ["First seen", utc(v.first_seen)],
      ["Source", detail.source], ["Quality", (v.quality || []).join(", ")],
    ];
    const history = (v.identity_history || []).map((c) =>
      `<li><span class="mono">${esc(utc(c.time))}</span> ${esc(c.field)}: ${esc(c.old ?? "—")} → ${esc(c.new ?? "—")}</li>`);
    const breakdown = (v.risk_breakdown || []).map((c) => {
      const extra = Object.entries(c).filter(([k]) => k !== "factor" && k !== "points")
        .map(([k, val]) => `${esc(words(k))} ${esc(typeof val === "object" ? JSON.stringify(val) : val)}`).join(", ");
      return `<li><strong>+${esc(num(c.points, 1))}</strong> ${esc(words(c.factor))}${extra ? ` <span class="muted">(${extra})</span>` : ""}</li>`;
    });
    const risk = Number(v.risk) || 0;
    return `
      <table class="kv">${rows.filter(([, val]) => val !== null && val !== undefined && val !== "" && val !== "—")
        .map(([k, val]) => `<tr><th>${esc(k)}</th><td>${esc(val)}</td></tr>`).join("")}</table>
      <h3>Risk <span class="risk-badge" data-risk="${esc(risk)}">${esc(num(risk, 0))}</span>
        <span class="muted small">${esc(v.monitoring || "")}</span></h3>
      ${breakdown.length ? `<ul class="breakdown">${breakdown.join("")}</ul>` : `<p class="muted small">no risk factors</p>`}
      <h3>Watch-list</h3>${this.watchlistHtml(detail.watchlist)}
      <h3>Identity history</h3>
      ${history.length ? `<ul class="history small">${history.join("")}</ul>` : `<p class="muted small">no changes seen</p>`}
      <h3>Alerts (${alerts.length})</h3>
      <ul class="small">${alerts.slice(0, 20).map((a) =>
        `<li><span class="mono">${esc(utc(a.time))}</span> ${esc(a.severity)} ${esc(words(a.kind))} <span class="muted">${esc(a.status || "")}</span></li>`).join("")}</ul>
      <p class="small muted">${this.track.length} track points · ${this.evidence.length} evidence points on the map</p>`;
  }

  watchlistHtml(match) {
    if (!match) return `<p class="muted small">no match</p>`;
    const e = match.entry || {};
    const sources = (e.sources || []).map((s) => `<li>${esc(s)}</li>`).join("");
    return `<div class="watch small">
      <p><strong>${esc((e.names || [])[0] || e.id)}</strong> — matched by ${esc(match.method)} «${esc(match.matched_value)}»,
        confidence ${esc(num(match.confidence * 100, 0))}%${match.fuzzy ? " (fuzzy)" : ""}</p>
      <p>${esc(e.reason || "")}</p>${match.note ? `<p class="muted">${esc(match.note)}</p>` : ""}
      ${sources ? `<p>Sources:</p><ul>${sources}</ul>` : ""}</div>`;
  }

  setupReplay() {
    const n = this.track.length;
    this.el.replay.hidden = n < 2;
    this.el.slider.max = String(Math.max(0, n - 1));
    this.el.slider.value = String(Math.max(0, n - 1));
    if (n) this.scrub(n - 1);
  }

  /** Show the vessel at track index i; evidence after that moment is greyed out. */
  scrub(i) {
    const p = this.track[i];
    if (!p) return;
    this.el.time.textContent = `${utc(p.ms)} · ${num(p.sog)} kn`;
    this.map.setReplayPosition(p);
    this.map.setEvidence(this.evidence, p.ms);
  }

  togglePlay() {
    if (this.timer) return this.stop();
    if (Number(this.el.slider.value) >= this.track.length - 1) this.el.slider.value = "0";
    this.el.play.textContent = "❚❚ pause";
    this.timer = setInterval(() => {
      const next = Number(this.el.slider.value) + 1;
      if (next >= this.track.length) return this.stop();
      this.el.slider.value = String(next);
      this.scrub(next);
    }, REPLAY_STEP_MS);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.el.play.textContent = "▶ play";
  }

  renderExports() {
    const m = this.mmsi;
    this.el.exports.innerHTML = `
      <button type="button" data-export="vessels/${m}/track/export" data-format="geojson">Track GeoJSON</button>
      <button type="button" data-export="vessels/${m}/track/export" data-format="csv">Track CSV</button>
      <button type="button" data-export="alerts/export?mmsi=${m}" data-format="geojson">Alerts GeoJSON</button>
      <button type="button" data-export="alerts/export?mmsi=${m}" data-format="csv">Alerts CSV</button>
      <button type="button" data-png="1">Map PNG</button>
      <span class="export-status small muted"></span>`;
  }

  async onExport(event) {
    const button = event.target.closest("button");
    if (!button) return;
    const status = this.el.exports.querySelector(".export-status");
    if (button.dataset.png) {
      save(this.map.toPNG(), `seawarden-${this.mmsi}.png`);
      return;
    }
    const [path, query] = button.dataset.export.split("?");
    const params = Object.fromEntries(new URLSearchParams(query || ""));
    params.format = button.dataset.format;
    status.textContent = "exporting…";
    try {
      const blob = await this.api.download(path, params);
      const name = `seawarden-${path.startsWith("alerts") ? "alerts" : "track"}-${this.mmsi}.${params.format}`;
      const url = URL.createObjectURL(blob);
      save(url, name);
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.textContent = `saved ${name}`;
    } catch (err) {
      status.textContent = `export failed: ${err.message}`;
    }
  }

  close() {
    this.stop();
    this.mmsi = null;
    this.el.panel.hidden = true;
    this.map.clearSelection();
  }
}

function save(href, filename) {
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
