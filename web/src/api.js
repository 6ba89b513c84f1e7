// One fetch wrapper for the REST API: Bearer key on every call, JSON errors turned into ApiError,
// and a 401 anywhere sends the officer back to the login form (the key was revoked or expired).

export const API = "api/v1"; // relative: works when the page is served under a path prefix

export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

export class ApiClient {
  /** @param {string} key  @param {() => void} onUnauthorised */
  constructor(key, onUnauthorised) {
    this.key = key;
    this.onUnauthorised = onUnauthorised;
  }

  url(path, params) {
    const url = new URL(`${API}/${path.replace(/^\//, "")}`, document.baseURI);
    for (const [name, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
    }
    return url;
  }

  async request(method, path, { params, body } = {}) {
    const headers = { Authorization: `Bearer ${this.key}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(this.url(path, params), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiError(0, `server unreachable (${err.message})`);
    }
    if (response.status === 401) {
      this.onUnauthorised("Your API key was not accepted (expired, revoked or mistyped). Sign in again.");
      throw new ApiError(401, "unauthorised");
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!response.ok) {
      const message = (data && data.error) || response.statusText || "request failed";
      const detail = data && data.detail ? `: ${typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)}` : "";
      throw new ApiError(response.status, `${message}${detail}`, data && data.detail);
    }
    return data;
  }

  get(path, params) {
    return this.request("GET", path, { params });
  }

  post(path, body) {
    return this.request("POST", path, { body: body ?? {} });
  }

  /** Exports: fetched with the Bearer header (never a key in a URL, where logs would keep it). */
  async download(path, params) {
    const response = await fetch(this.url(path, params), {
      headers: { Authorization: `Bearer ${this.key}` },
      cache: "no-store",
    });
    if (response.status === 401) {
      this.onUnauthorised("Your API key was not accepted. Sign in again.");
      throw new ApiError(401, "unauthorised");
    }
    if (!response.ok) throw new ApiError(response.status, `${response.status} ${response.statusText}`);
    return response.blob();
  }

  /** Same-origin WebSocket URL; browsers cannot set headers on WebSockets, hence ?token=. */
  streamUrl() {
    const url = this.url("stream", { token: this.key, vessels: "1" });
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }
}

/** Lists come back as a bare array, {items: [...]}, {<name>: [...]} or a FeatureCollection. */
export function listOf(data, name) {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== "object") return [];
  if (Array.isArray(data[name])) return data[name];
  if (Array.isArray(data.items)) return data.items;
  if (Array.isArray(data.features)) return data.features;
  return [];
}
