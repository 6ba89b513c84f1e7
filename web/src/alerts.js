// The alert queue: most severe first, then newest; lifecycle buttons and comments post to the API,
// and the server's answer (the updated record) replaces ours, so the queue never shows a state the
// server did not confirm.
import { beep, flash } from "./alarm.js";
import { esc, severityRank, SEVERITY_COLOURS, utc, words, toMillis, num } from "./format.js";

// AlertKind values (seawarden/types.py); kinds seen on the wire are added as they arrive.
const KNOWN_KINDS = [
  "anchor_drag_suspected", "infrastructure_loitering", "anchored_near_infrastructure", "watchlist_in_area",
  "watchlist_approaching", "area_entry", "area_exit", "area_dwell", "ais_gap", "position_spoofing",
  "identity_change", "rendezvous", "traffic_anomaly",
];
const CLOSED = "closed";
// The store's operator lifecycle. The pipeline's own record status ("new"/"updated") on the stream
// says whether the evidence changed, not what the officers did, so it never overrides these.
const LIFECYCLE = new Set(["new", "acknowledged", "escalated", CLOSED]);
const MAX_SHOWN = 300;

export class AlertQueue {
  constructor({ api, elements, onSelect, soundEnabled }) {
    this.api = api;
    this.el = elements; // {list, count, area, kind, severity, openOnly, flash}
    this.onSelect = onSelect;
    this.soundEnabled = soundEnabled;
    this.alerts = new Map(); // id -> record (latest version)
    this.kinds = new Set(KNOWN_KINDS);
    this.fillKinds();
    for (const input of [elements.area, elements.kind, elements.severity, elements.openOnly]) {
      input.addEventListener("change", () => {
        this.render();
        this.load().catch((err) => this.showError(err));
      });
    }
    elements.list.addEventListener("click", (event) => this.onClick(event));
    elements.list.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input.comment")) this.comment(event.target);
    });
  }

  setAreas(areas) {
    const select = this.el.area;
    for (const area of areas) {
      const option = document.createElement("option");
      option.value = area.id;
      option.textContent = area.name || area.id;
      select.appendChild(option);
    }
  }

  fillKinds() {
    const select = this.el.kind;
    const current = select.value;
    select.length = 1;
    for (const kind of [...this.kinds].sort()) {
      const option = document.createElement("option");
      option.value = kind;
      option.textContent = words(kind);
      select.appendChild(option);
    }
    select.value = current;
  }

  /** Server-side query with the current filters; merged into what the stream already gave us. */
  async load() {
    const params = new URLSearchParams({ limit: "200" });
    if (this.el.area.value) params.set("area", this.el.area.value);
    if (this.el.kind.value) params.set("kind", this.el.kind.value);
    if (this.el.severity.value) params.set("min_severity", this.el.severity.value);
    if (this.el.openOnly.checked) for (const s of ["new", "acknowledged", "escalated"]) params.append("status", s);
    const page = await this.api.get(`alerts?${params}`);
    const items = Array.isArray(page) ? page : (page && page.items) || [];
    for (const record of items) this.upsert(record, { quiet: true });
    this.render();
  }

  /** Keep the newest version of each alert; raise the alarm for new (or newly) high/critical ones. */
  upsert(record, { quiet = false } = {}) {
    if (!record || typeof record !== "object" || !record.id) {
      console.warn("alerts: skipped a record without an id");
      return false;
    }
    const old = this.alerts.get(record.id);
    if (old && (Number(old.version) || 0) > (Number(record.version) || 0)) return false;
    const merged = old ? { ...old, ...record } : { ...record };
    if (!LIFECYCLE.has(record.status)) merged.status = old ? old.status : "new";
    this.alerts.set(record.id, merged);
    if (record.kind && !this.kinds.has(record.kind)) {
      this.kinds.add(record.kind);
      this.fillKinds();
    }
    const rank = severityRank(record.severity);
    const rose = !old || severityRank(old.severity) < rank;
    if (!quiet && rose && rank >= severityRank("high") && record.status !== CLOSED) {
      const critical = rank >= severityRank("critical");
      flash(this.el.flash, critical);
      if (this.soundEnabled()) beep(critical);
      this.lastAlarm = record.id;
    }
    return true;
  }

  /** An alert pushed by the live stream. */
  receive(record) {
    this.streamed = (this.streamed || 0) + 1;
    if (this.upsert(record)) this.render();
  }

  visible() {
    const area = this.el.area.value;
    const kind = this.el.kind.value;
    const minRank = this.el.severity.value ? severityRank(this.el.severity.value) : 0;
    const openOnly = this.el.openOnly.checked;
    return [...this.alerts.values()]
      .filter((a) => (!area || a.area === area) && (!kind || a.kind === kind))
      .filter((a) => severityRank(a.severity) >= minRank && (!openOnly || a.status !== CLOSED))
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || toMillis(b.time) - toMillis(a.time));
  }

  render() {
    const shown = this.visible();
    this.el.count.textContent = `${shown.length} shown / ${this.alerts.size}`;
    this.el.list.innerHTML = shown.slice(0, MAX_SHOWN).map((a) => this.itemHtml(a)).join("");
  }

  itemHtml(a) {
    const status = a.status || "new";
    const closed = status === CLOSED;
    const sevClass = SEVERITY_COLOURS[a.severity] ? `sev-${a.severity}` : "sev-info";
    return `<li class="alert status-${esc(status)}" data-id="${esc(a.id)}" data-mmsi="${esc(a.mmsi)}">
      <div class="alert-head" data-action="select" tabindex="0">
        <span class="sev ${sevClass}">${esc(a.severity)}</span>
        <strong>${esc(words(a.kind))}</strong>
        <span class="muted">${esc(a.name || "(no name)")} · ${esc(a.mmsi)}</span>
      </div>
      <div class="alert-meta small">
        <span class="mono">${esc(utc(a.time))}</span> · risk ${esc(num(a.risk, 0))}
        ${a.area ? ` · ${esc(a.area)}` : ""}${a.infrastructure ? ` · ${esc(a.infrastructure)}` : ""}
        · <span class="status">${esc(status)}</span>${a.version > 1 ? ` · v${esc(a.version)}` : ""}
      </div>
      <div class="alert-expl small">${esc(a.explanation)}</div>
      <div class="alert-actions">
        <button type="button" data-action="acknowledge" ${status !== "new" ? "disabled" : ""}>Acknowledge</button>
        <button type="button" data-action="escalate" ${closed || status === "escalated" ? "disabled" : ""}>Escalate</button>
        <button type="button" data-action="close" ${closed ? "disabled" : ""}>Close</button>
        <input class="comment" type="text" maxlength="2000" placeholder="comment…" aria-label="Comment" />
        <button type="button" data-action="comment">Add</button>
      </div>
      <div class="alert-error error small" role="alert"></div>
    </li>`;
  }

  async onClick(event) {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    const item = target.closest("li.alert");
    const id = item.dataset.id;
    const action = target.dataset.action;
    if (action === "select") {
      const record = this.alerts.get(id);
      if (record) this.onSelect(record);
    } else if (action === "comment") {
      await this.comment(item.querySelector("input.comment"));
    } else {
      await this.act(item, id, action);
    }
  }

  async act(item, id, action) {
    const note = item.querySelector("input.comment").value.trim();
    try {
      const record = await this.api.post(`alerts/${encodeURIComponent(id)}/${action}`, { note });
      // the answer is authoritative on the lifecycle even when the stream already sent a newer version
      const known = this.alerts.get(id);
      if (!this.upsert(record, { quiet: true }) && known && LIFECYCLE.has(record.status)) known.status = record.status;
      this.render();
    } catch (err) {
      this.itemError(item, `${action} failed: ${err.message}`);
    }
  }

  async comment(input) {
    const item = input.closest("li.alert");
    const text = input.value.trim();
    if (!text) return this.itemError(item, "write a comment first");
    try {
      await this.api.post(`alerts/${encodeURIComponent(item.dataset.id)}/comments`, { text });
      input.value = "";
      input.placeholder = "comment saved ✓";
    } catch (err) {
      this.itemError(item, `comment failed: ${err.message}`);
    }
  }

  itemError(item, message) {
    const box = item && item.querySelector(".alert-error");
    if (box) box.textContent = message;
  }

  showError(err) {
    if (err.status === 401) return;
    this.el.count.textContent = `could not load alerts: ${err.message}`;
  }

  forVessel(mmsi) {
    return [...this.alerts.values()].filter((a) => Number(a.mmsi) === Number(mmsi));
  }
}
