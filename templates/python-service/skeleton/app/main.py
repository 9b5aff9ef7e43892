"""${{ values.name }}: the HTTP API."""

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from app import metrics
from app.metrics import SERVICE_NAME, PrometheusMiddleware
from app.telemetry import TracingMiddleware, setup_tracing


@asynccontextmanager
async def lifespan(app: FastAPI):
    shutdown_tracing = setup_tracing(SERVICE_NAME)
    app.state.ready = True
    yield
    # Shutting down: take the pod out of the load balancer first.
    app.state.ready = False
    shutdown_tracing()


app = FastAPI(title="${{ values.name }}", version="0.1.0", lifespan=lifespan)
app.state.ready = False
app.add_middleware(PrometheusMiddleware)
app.add_middleware(TracingMiddleware)


@app.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """Liveness: the process answers. Kubernetes restarts it when it does not."""
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """Readiness: the service may receive traffic."""
    if request.app.state.ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "not ready"}, status_code=503)


@app.get("/metrics", include_in_schema=False)
def prometheus_metrics() -> Response:
    body, content_type = metrics.render()
    return Response(content=body, media_type=content_type)


@app.get("/")
def root() -> dict[str, str]:
    return {"service": SERVICE_NAME, "message": "Hello from ${{ values.name }}"}
