// Entry point: sign-in, then the operations picture (map + alert queue + dossier + live stream).
import "./style.css";
import { unlockAudio } from "./alarm.js";
import { AlertQueue } from "./alerts.js";
import { ApiClient, listOf } from "./api.js";
import { clearKey, getKey, setKey } from "./auth.js";
import { Dossier } from "./dossier.js";
import { ASSET_STYLES, OpsMap } from "./map.js";
import { esc } from "./format.js";
import { LiveStream } from "./stream.js";

const $ = (id) => document.getElementById(id);
const VESSEL_RESYNC_MS = 60000; // full snapshot now and then: the stream only sends changes
const MAX_VESSELS = 5000;

let session = null; // {api, map, stream, timers}

function showLogin(message = "") {
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("api-key").value = "";
  $("api-key").focus();
}

const NOTICE = "seawarden.loginNotice";

/** Leave the session: a page reload drops every listener, socket and timer of the old one at once. */
function leave(message) {
  endSession();
  clearKey();
  try {
    sessionStorage.setItem(NOTICE, message);
  } catch {
    /* storage disabled: the login form shows without the reason */
  }
  location.reload();
}

/** Any 401 (REST or WebSocket) ends the session and says why. */
function unauthorised(message) {
  if (!session) return;
  leave(message || "Your session ended: the API key was not accepted. Sign in again.");
}

function takeNotice() {
  try {
    const text = sessionStorage.getItem(NOTICE) || "";
    sessionStorage.removeItem(NOTICE);
    return text;
  } catch {
    return "";
  }
}

function endSession() {
  if (!session) return;
  session.ended = true;
  for (const t of session.timers) clearInterval(t);
  if (session.stream) session.stream.close();
  session = null;
}

async function signIn(key) {
  const probe = new ApiClient(key, () => {});
  try {
    await probe.get("alerts", { limit: 1 });
  } catch (err) {
    if (err.status === 401) return "That API key was not accepted (unknown, revoked or mistyped).";
    if (err.status === 403) return `This key may not read alerts: ${err.message}`;
    return `The server could not be reached: ${err.message}`;
  }
  setKey(key);
  start(key);
  return null;
}

function setConn(state) {
  const el = $("conn");
  el.textContent = state;
  el.className = `conn conn-${state === "live" ? "on" : "off"}`;
}

function renderLegend() {
  const assets = Object.values(ASSET_STYLES)
    .map((s) => `<span><i class="swatch" data-colour="${esc(s.colour)}"></i>${esc(s.label)}</span>`)
    .join("");
  $("legend").innerHTML = `<div>${assets}</div>
    <div><span><i class="dot risk-0"></i>risk &lt;20</span><span><i class="dot risk-40"></i>40+</span>
    <span><i class="dot risk-65"></i>65+</span><span><i class="dot risk-85"></i>85+</span>
    <span><i class="ring"></i>evidence</span></div>`;
  for (const sw of $("legend").querySelectorAll(".swatch")) sw.style.background = sw.dataset.colour;
}

function start(key) {
  endSession();
  $("login").hidden = true;
  $("app").hidden = false;
  const api = new ApiClient(key, unauthorised);
  const current = { api, timers: [], stream: null, ended: false };
  session = current;
  const map = new OpsMap($("map"), {});
  const alerts = new AlertQueue({
    api,
    soundEnabled: () => $("sound-on").checked,
    elements: {
      list: $("alert-list"), count: $("alert-count"), area: $("filter-area"), kind: $("filter-kind"),
      severity: $("filter-severity"), openOnly: $("filter-open"), flash: $("flash"),
    },
    onSelect: (alert) => {
      if (alert.lon != null && alert.lat != null) map.flyTo(alert.lon, alert.lat);
      dossier.open(Number(alert.mmsi));
    },
  });
  const dossier = new Dossier({
    api, map, alerts,
    elements: {
      panel: $("dossier"), title: $("dossier-title"), body: $("dossier-body"), exports: $("exports"),
      replay: $("replay"), slider: $("replay-slider"), play: $("replay-play"), time: $("replay-time"),
      close: $("dossier-close"),
    },
  });
  map.onVesselClick = (mmsi) => dossier.open(mmsi);
  window.__seawarden = { map, alerts, dossier }; // for the browser tests and the console
  renderLegend();
  const updateCount = () => ($("vessel-count").textContent = `${map.vesselCount()} vessels`);

  const loadVessels = async () => {
    const list = listOf(await api.get("vessels", { limit: MAX_VESSELS }), "vessels");
    map.updateVessels(list, { replace: true });
    updateCount();
  };

  map.ready.then(async () => {
    if (current.ended) return;
    const [areas, assets] = await Promise.all([
      api.get("areas").catch(reportLoad("areas")),
      api.get("assets").catch(reportLoad("assets")),
    ]);
    if (current.ended) return;
    if (areas) {
      map.setAreas(areas);
      alerts.setAreas(listOf(areas, "areas").map((f) => ({ id: f.id ?? f.properties?.id, name: f.properties?.name })));
    }
    if (assets) map.setAssets(assets);
    await loadVessels().catch(reportLoad("vessels"));
    await alerts.load().catch((err) => alerts.showError(err));
    if (current.ended) return;
    current.stream = new LiveStream(api.streamUrl(), {
      status: setConn,
      alert: (record) => alerts.receive(record),
      vessels: (list) => {
        map.updateVessels(list);
        updateCount();
      },
      dropped: (count) => {
        const el = $("dropped");
        el.hidden = false;
        el.dataset.total = String((Number(el.dataset.total) || 0) + count);
        el.textContent = `${el.dataset.total} live updates dropped (slow link) — resyncing`;
        loadVessels().catch(reportLoad("vessels"));
      },
      unauthorised: () => unauthorised("The live stream refused your API key. Sign in again."),
    });
    current.timers.push(
      setInterval(() => {
        loadVessels().catch(reportLoad("vessels"));
        alerts.load().catch((err) => alerts.showError(err)); // lifecycle changes made by colleagues
      }, VESSEL_RESYNC_MS),
    );
  });
}

function reportLoad(what) {
  return (err) => {
    if (err.status !== 401) {
      console.error(`could not load ${what}: ${err.message}`);
      $("vessel-count").textContent = `could not load ${what}: ${err.message}`;
    }
    return null;
  };
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  unlockAudio(); // the sign-in click is the user gesture browsers require for sound
  const key = $("api-key").value.trim();
  if (!key) return;
  $("login-submit").disabled = true;
  $("login-error").textContent = "";
  const problem = await signIn(key);
  $("login-submit").disabled = false;
  if (problem) $("login-error").textContent = problem;
});

$("logout").addEventListener("click", () => leave("Signed out."));

const saved = getKey();
if (saved) start(saved);
else showLogin(takeNotice());
