"""Areas/assets GeoJSON, health, metrics, offline docs, body limits, CORS default."""

from sqlalchemy.exc import OperationalError

from seawarden.api.metrics import Counter, Histogram, Metrics


def test_areas_and_assets_are_geojson(world, geo):
    headers = world.headers("fingrid")
    areas = world.client.get("/api/v1/areas", headers=headers)
    assert areas.headers["content-type"].startswith("application/geo+json")
    features = areas.json()["features"]
    assert len(features) == len(geo.areas) and features[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    one = world.client.get(f"/api/v1/areas/{geo.areas[0].id}", headers=headers).json()
    assert one["properties"]["name"] == geo.areas[0].name
    assets = world.client.get("/api/v1/assets", headers=headers).json()["features"]
    assert {f["id"] for f in assets} == {a.id for a in geo.assets}
    assert world.client.get("/api/v1/assets/no-such-cable", headers=headers).status_code == 404
    assert world.client.get("/api/v1/areas").status_code == 401


def test_health_checks_the_store(world, monkeypatch):
    ok = world.client.get("/health")
    assert ok.status_code == 200 and ok.json()["checks"]["store"] == "ok"

    def down():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(world.store, "outbox_counts", down)
    broken = world.client.get("/health")
    assert broken.status_code == 503
    assert broken.json()["status"] == "degraded"
    assert "seawarden_outbox_pending unavailable" in world.client.get("/metrics").text


def test_metrics_prometheus_text(world):
    world.client.get("/api/v1/alerts", headers=world.headers("fi-navy"))
    world.app.state.ctx.metrics.messages.inc(5)
    world.app.state.ctx.metrics.alerts.inc(kind="ais_gap", severity="high")
    text = world.client.get("/metrics").text
    assert "seawarden_messages_processed_total 5" in text
    assert 'seawarden_alerts_total{kind="ais_gap",severity="high"} 1' in text
    assert 'seawarden_http_requests_total{method="GET",route="/api/v1/alerts",status="200"} 1' in text
    assert 'seawarden_http_request_duration_seconds_count{method="GET",route="/api/v1/alerts"} 1' in text
    assert "seawarden_outbox_pending" in text and 'seawarden_hub{stat="subscribers"} 0' in text
    world.app.state.service_metrics = lambda: {"queue_depth": 3, "source_lines:ais-1": 10, "bad": "x"}
    text = world.client.get("/metrics").text
    assert 'seawarden_service{name="queue_depth"} 3' in text
    assert 'seawarden_service{name="source_lines:ais-1"} 10' in text and '"bad"' not in text


def test_metric_registry_rules():
    metrics = Metrics()
    counter = metrics.add(Counter("x_total", "x", ("a",)))
    counter.inc(a='q"uote')
    assert 'x_total{a="q\\"uote"} 1' in metrics.render()
    histogram = Histogram("h", "h", buckets=(1.0, 2.0))
    histogram.observe(1.5)
    assert 'h_bucket{le="1"} 0' in histogram.lines() and 'h_bucket{le="+Inf"} 1' in histogram.lines()
    try:
        counter.inc(b="wrong")
    except ValueError as exc:
        assert "labels" in str(exc)
    else:
        raise AssertionError("wrong labels accepted")


def test_docs_are_served_without_a_cdn(world):
    page = world.client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/docs-static/swagger-ui-bundle.js" in page.text
    assert world.client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    assert world.client.get("/openapi.json").json()["info"]["title"] == "SeaWarden API"


def test_body_limits(world):
    analyst = world.headers("fi-navy", "analyst")
    big_note = {"note": "x" * 70_000}
    response = world.client.post("/api/v1/alerts/a-jef/acknowledge", json=big_note, headers=analyst)
    assert response.status_code == 413 and response.json()["error"] == "request body too large"

    def chunks():  # no Content-Length: the limit still holds
        for _ in range(20):
            yield b"x" * 4096

    streamed = world.client.post(
        "/api/v1/alerts/a-jef/acknowledge",
        content=chunks(),
        headers={**analyst, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    # imports get the larger limit
    upload = b"Vessel name;IMO number ;Date of application\r\n" + b"Eagle S;9329760;21.05.2025\r\n" * 5000
    assert len(upload) > 64 * 1024
    ok = world.client.post("/api/v1/watchlist/import", files={"file": ("eu.csv", upload)}, headers=analyst)
    assert ok.status_code == 200, ok.text


def test_cors_is_off_by_default(world):
    response = world.client.get(
        "/api/v1/alerts", headers={**world.headers("fi-navy"), "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers
