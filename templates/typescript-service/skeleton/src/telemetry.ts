// Tracing with OpenTelemetry. Imported first by server.ts so that the HTTP
// instrumentation is in place before anything else loads node:http.
//
// Spans are exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (for
// example http://otel-collector.observability:4318). Without that variable
// tracing stays off, which is what tests and local runs want.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

const NOT_TRACED = new Set(['/healthz', '/readyz', '/metrics']);

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

const sdk = endpoint
  ? new NodeSDK({
      serviceName: process.env.OTEL_SERVICE_NAME ?? '${{ values.name }}',
      traceExporter: new OTLPTraceExporter({
        url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
      }),
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: request =>
            NOT_TRACED.has((request.url ?? '').split('?')[0]),
        }),
      ],
    })
  : undefined;

sdk?.start();

/** Flushes the spans still buffered; call before the process exits. */
export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown();
}
