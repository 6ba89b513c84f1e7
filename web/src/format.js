// Small, pure helpers shared by the panels: escaping, colours, times. No DOM state here.

export const SEVERITIES = ["info", "low", "medium", "high", "critical"];

/** Severity rank so that sorting and "at least" filters are plain comparisons. */
export function severityRank(severity) {
  const rank = SEVERITIES.indexOf(String(severity || "").toLowerCase());
  return rank < 0 ? 0 : rank;
}

/** Risk 0-100 -> colour; the bands follow Severity.from_risk in seawarden/types.py (20/40/65/85). */
export function riskColour(risk) {
  const r = Number(risk) || 0;
  if (r >= 85) return "#d7191c";
  if (r >= 65) return "#f46d43";
  if (r >= 40) return "#fdae61";
  if (r >= 20) return "#d9ef8b";
  return "#91cf60";
}

export const SEVERITY_COLOURS = {
  info: "#6c8ebf",
  low: "#91cf60",
  medium: "#fdae61",
  high: "#f46d43",
  critical: "#d7191c",
};

/** HTML-escape every value that came from the network before it goes near innerHTML. */
export function esc(value) {
  if (value === null || value === undefined) return "";
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** ISO-8601 or epoch seconds -> epoch milliseconds (NaN when unusable). */
export function toMillis(time) {
  if (time === null || time === undefined || time === "") return NaN;
  if (typeof time === "number") return time < 1e12 ? time * 1000 : time;
  return Date.parse(time);
}

/** Watch officers work in UTC: show "2024-12-25 10:21:07Z". */
export function utc(time) {
  const ms = toMillis(time);
  if (!Number.isFinite(ms)) return "—";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function num(value, digits = 1) {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? "—" : n.toFixed(digits);
}

export function words(kind) {
  return String(kind || "").replace(/_/g, " ");
}
