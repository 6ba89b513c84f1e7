"""Crash safety: SIGKILL `seawarden serve` mid-stream, restart, stream again; nothing lost or doubled.

Receivers deduplicate by Idempotency-Key, so the promise checked is: every alert version a clean
`seawarden replay` of the same input produces reaches the webhook (no key missing), and no other
key appears (the replayed overlap is recognised by the store, not stored and sent again).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

from tests.service.peers import SCENARIO, SECRET, WebhookReceiver, free_port, send_lines, wait_for

RUN = (
    "import sys; from seawarden.cli import app; import seawarden.cli.serve as s; "
    "names = {c.name or c.callback.__name__ for c in app.registered_commands}; "
    "'serve' in names or s.register(app); app()"
)


def _config(tmp_path, feed_port: int, receiver: WebhookReceiver) -> str:
    path = tmp_path / "serve.toml"
    path.write_text(
        f"""
[serve]
http_enabled = false
store_url = "sqlite:///{tmp_path / "sw.db"}"
outbox_lease_s = 1.0
delivery_poll_s = 0.2
[[serve.sources]]
type = "tcp_listen"
port = {feed_port}
[[serve.organisations]]
id = "jef"
name = "JEF navy"
communities = ["JEF"]
[serve.delivery.retry]
base_delay_s = 0.2
[[serve.delivery.channels]]
type = "webhook"
name = "jef-hook"
org = "jef"
url = "{receiver.url("/jef")}"
secret = "{SECRET}"
[[serve.delivery.subscriptions]]
id = "jef-all"
org = "jef"
communities = ["JEF"]
channel = "jef-hook"
""",
        encoding="utf-8",
    )
    return str(path)


def _start(config: str, feed_port: int, tmp_path) -> subprocess.Popen:
    env = {**os.environ, "SEAWARDEN_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, "serve", "--config", config], env=env, stderr=subprocess.PIPE, text=True
    )

    def listening() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stderr.read()}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", feed_port)) == 0

    assert wait_for(listening, 30), "serve did not open its feed port"
    return proc


def _clean_keys(tmp_path) -> set[str]:
    out = tmp_path / "clean.jsonl"
    subprocess.run(
        [sys.executable, "-m", "seawarden", "replay", str(SCENARIO), "--alerts", str(out)],
        check=True,
        capture_output=True,
        env={**os.environ, "SEAWARDEN_DATA_DIR": str(tmp_path)},
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {f"{r['id']}:v{r['version']}:jef-all" for r in records if "JEF" in r["releasability"]}


def test_sigkill_mid_stream_then_restart_loses_and_duplicates_nothing(tmp_path) -> None:
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    cut = int(len(lines) * 0.7)  # after the anchor drag began
    feed_port = free_port()
    with WebhookReceiver() as receiver:
        config = _config(tmp_path, feed_port, receiver)
        first = _start(config, feed_port, tmp_path)
        send_lines(feed_port, lines[:cut])
        assert wait_for(lambda: len(receiver.items()) >= 3, 30), "nothing delivered before the crash"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        before_crash = len(receiver.items())

        second = _start(config, feed_port, tmp_path)
        send_lines(feed_port, lines)  # the overlap (everything already sent) and the rest
        time.sleep(1.0)
        second.send_signal(signal.SIGTERM)
        stderr = second.communicate(timeout=60)[1]
        assert second.returncode == 0, stderr

    keys = Counter(key for _, key, _, _ in receiver.items())
    expected = _clean_keys(tmp_path)
    assert expected, "the clean replay raised no alert releasable to JEF"
    assert not expected - set(keys), f"lost: {sorted(expected - set(keys))}"
    assert not set(keys) - expected, f"unexpected: {sorted(set(keys) - expected)}"
    resent = {k: n for k, n in keys.items() if n > 1}
    print(
        f"\nrestart: {len(expected)} alert versions, {before_crash} delivered before SIGKILL, "
        f"{sum(keys.values())} deliveries in all, re-sent after the crash (receiver dedups): {resent}"
    )
    assert all(n <= 2 for n in resent.values())  # at most the one in flight when killed
