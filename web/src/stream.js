// The live WebSocket (/api/v1/stream?token=...). Reconnects with capped back-off so a server
// restart or a flaky link heals by itself; malformed messages are counted and skipped.

export class LiveStream {
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers; // {alert, vessels, dropped, status, unauthorised}
    this.retryMs = 1000;
    this.closed = false;
    this.malformed = 0;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    this.handlers.status("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 1000;
      this.handlers.status("live");
    };
    ws.onmessage = (event) => this.dispatch(event.data);
    ws.onclose = (event) => {
      if (this.closed) return;
      // 4401/4403: the server refused the key; retrying would only hammer it (4429 does retry).
      if (event.code === 4401 || event.code === 4403) {
        this.handlers.unauthorised();
        return;
      }
      this.handlers.status("reconnecting");
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30000);
    };
  }

  dispatch(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      this.malformed += 1;
      console.warn("stream: skipped a message that is not JSON");
      return;
    }
    if (msg && msg.type === "alert" && msg.alert) this.handlers.alert(msg.alert);
    else if (msg && msg.type === "vessels" && Array.isArray(msg.vessels)) this.handlers.vessels(msg.vessels);
    else if (msg && msg.type === "dropped") this.handlers.dropped(Number(msg.count) || 0);
    else if (msg && msg.type === "error") console.warn(`stream refused: ${msg.error} ${msg.detail || ""}`);
    // hello, ping and pong need no action (the server's ping only keeps proxies from closing us)
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close(1000, "logout");
  }
}
