"""``mount_web``: page at ``/`` (revalidated), hashed assets cached a year, a clear 503 when unbuilt."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from seawarden.web import ASSET_CACHE, INDEX_CACHE, mount_web, static_dir


def _site(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(
        '<!doctype html><script type="module" src="./assets/app-abc123.js"></script>'
    )
    (root / "assets" / "app-abc123.js").write_text("console.log('ok')")
    (root / "assets" / "maplibre-gl-worker-abc123.mjs").write_text("self.onmessage = () => {}")
    return root


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = FastAPI()

    @app.get("/api/v1/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    mount_web(app, _site(tmp_path / "static"))
    return TestClient(app)


def test_page_is_served_at_root_and_always_revalidated(client: TestClient) -> None:
    for path in ("/", "/index.html"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == INDEX_CACHE
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "app-abc123.js" in response.text
    etag = client.get("/").headers["etag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_hashed_assets_are_cached_for_a_year_with_module_mime_types(client: TestClient) -> None:
    script = client.get("/assets/app-abc123.js")
    assert script.status_code == 200 and script.headers["cache-control"] == ASSET_CACHE
    worker = client.get("/assets/maplibre-gl-worker-abc123.mjs")
    assert worker.headers["content-type"].startswith("text/javascript")
    missing = client.get("/assets/app-000000.js")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


def test_api_routes_are_untouched(client: TestClient) -> None:
    assert client.get("/api/v1/ping").json() == {"ok": True}
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_unbuilt_page_answers_503_with_the_build_command(tmp_path: Path) -> None:
    app = FastAPI()
    mount_web(app, tmp_path / "nothing-here")
    response = TestClient(app).get("/")
    assert response.status_code == 503
    assert "scripts/build_web.sh" in response.text


def test_the_committed_build_is_complete_and_offline() -> None:
    """The packaged page references only its own assets: no CDN, tile server or web font."""
    root = static_dir()
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "http://" not in index and "https://" not in index
    names = {p.name for p in (root / "assets").iterdir()}
    assert any(n.startswith("maplibre-gl-worker-") and n.endswith(".mjs") for n in names)
    assert any(n.startswith("countries-50m-") and n.endswith(".json") for n in names)
    for name in names:
        if name.endswith(".css"):
            css = (root / "assets" / name).read_text(encoding="utf-8")
            assert "url(http" not in css and "@import" not in css
