from fastapi.testclient import TestClient

from app.main import app


def test_alive_and_ready():
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").status_code == 200


def test_not_ready_before_startup():
    # Without the context manager the lifespan (startup) does not run.
    client = TestClient(app)
    assert client.get("/readyz").status_code == 503


def test_requests_are_counted_by_route():
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        assert client.get("/no-such-page").status_code == 404
        text = client.get("/metrics").text
    counted = [line for line in text.splitlines() if line.startswith("http_requests_total{")]
    assert any('route="/"' in line and 'code="200"' in line for line in counted)
    assert any('route="unmatched"' in line and 'code="404"' in line for line in counted)
