import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  WebTracerProvider,
} from '@opentelemetry/sdk-trace-web';
import type { RuntimeConfig } from './config';

/**
 * Browser tracing: a span for every fetch() the app makes, with the W3C
 * traceparent header on same-origin requests so that backend traces join.
 * Spans go over OTLP/HTTP to the endpoint from /config.json, which nginx
 * fills from OTEL_EXPORTER_OTLP_ENDPOINT; without it tracing stays off.
 */
export function startTracing(config: RuntimeConfig): void {
  if (!config.otlpEndpoint) return;
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': '${{ values.name }}' }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }),
      ),
    ],
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new FetchInstrumentation({
        // The exporter's own requests would trace themselves.
        ignoreUrls: [config.otlpEndpoint],
      }),
    ],
  });
}
