"""Tracing with OpenTelemetry.

Spans are exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (for example
http://otel-collector.observability:4318, the exporter appends /v1/traces).
Without that variable tracing stays off, which is what tests and local runs
want.
"""

import os
from typing import Callable

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

NOT_TRACED = {"/healthz", "/readyz", "/metrics"}

tracer = trace.get_tracer("${{ values.name }}")


def setup_tracing(service_name: str) -> Callable[[], None]:
    """Starts exporting spans when configured; returns the shutdown function."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return lambda: None

    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter,
    )
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    # Reads OTEL_EXPORTER_OTLP_ENDPOINT (and the other OTEL_EXPORTER_OTLP_*
    # variables) itself.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider.shutdown


class TracingMiddleware:
    """One server span per HTTP request, continuing the caller's trace."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in NOT_TRACED:
            await self.app(scope, receive, send)
            return
        carrier = {
            key.decode("latin-1"): value.decode("latin-1")
            for key, value in scope.get("headers", [])
        }
        method = scope["method"]
        with tracer.start_as_current_span(
            method,
            context=propagate.extract(carrier),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope["path"]},
        ) as span:

            async def send_with_status(message):
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                    if message["status"] >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self.app(scope, receive, send_with_status)
            route = getattr(scope.get("route"), "path", None)
            if route:
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
