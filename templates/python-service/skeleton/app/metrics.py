"""Prometheus metrics of the HTTP requests, served on /metrics."""

import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

SERVICE_NAME = os.environ.get("OTEL_SERVICE_NAME", "${{ values.name }}")

# The SLO in slo.yaml divides non-5xx requests by all requests of this counter.
REQUESTS = Counter(
    "http_requests",
    "HTTP requests handled, by method, route and status code",
    ["service", "method", "route", "code"],
)
DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to handle an HTTP request, by method, route and status code",
    ["service", "method", "route", "code"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def render() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, and their content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


class PrometheusMiddleware:
    """Counts and times every HTTP request (ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_status(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            # The route template (/items/{id}), never the raw path, so that
            # scanners cannot explode the number of time series.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            labels = (SERVICE_NAME, scope["method"], route, str(status["code"]))
            REQUESTS.labels(*labels).inc()
            DURATION.labels(*labels).observe(time.perf_counter() - started)
