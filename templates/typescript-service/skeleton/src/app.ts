import { createServer, type Server, type ServerResponse } from 'node:http';
import { observeRequest, registry, SERVICE_NAME } from './metrics';

/** Whether the service takes traffic; false while starting and stopping. */
export interface Readiness {
  ready: boolean;
}

type Handler = (res: ServerResponse, readiness: Readiness) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const routes = new Map<string, Handler>(
  Object.entries({
  // Liveness: the process answers. Restarted by Kubernetes when it does not.
  '/healthz': async res => sendJson(res, 200, { status: 'ok' }),
  // Readiness: the service may receive traffic.
  '/readyz': async (res, readiness) =>
    readiness.ready
      ? sendJson(res, 200, { status: 'ready' })
      : sendJson(res, 503, { status: 'not ready' }),
  '/metrics': async res => {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  },
  '/': async res =>
    sendJson(res, 200, {
      service: SERVICE_NAME,
      message: 'Hello from ${{ values.name }}',
    }),
  } satisfies Record<string, Handler>),
);

/** The HTTP server of the service, not yet listening. */
export function createApp(readiness: Readiness = { ready: true }): Server {
  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = routes.get(path);
    // Unknown paths share one label so that scanners cannot explode the
    // number of time series.
    const route = handler ? path : 'unmatched';
    res.on('finish', () =>
      observeRequest(method, route, res.statusCode, started),
    );

    if (!handler) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    handler(res, readiness).catch(error => {
      console.error(`${method} ${path} failed`, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}
