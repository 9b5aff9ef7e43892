// Tracing first: it must patch node:http before the app loads it.
import { shutdownTelemetry } from './telemetry';
import { createApp, type Readiness } from './app';

const port = Number(process.env.PORT ?? ${{ values.port }});
const readiness: Readiness = { ready: false };
const server = createApp(readiness);

server.listen(port, () => {
  readiness.ready = true;
  console.log(`${{ values.name }} listening on port ${port}`);
});

// Kubernetes sends SIGTERM before it stops the pod: stop taking new traffic,
// finish the requests in flight, flush the traces, then exit.
function shutdown(signal: string): void {
  console.log(`${signal} received, shutting down`);
  readiness.ready = false;
  server.close(() => {
    shutdownTelemetry()
      .catch(error => console.error('telemetry shutdown failed', error))
      .finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
