import { ParentBasedSampler, BatchSpanProcessor, TraceIdRatioBasedSampler, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { definePlugin } from '@tollgate/core';
import { openTelemetryOptionsSchema, type OpenTelemetryOptions } from './opentelemetry-options.js';
import { createRequestTracer } from './request-tracer.js';

/** Builds the plugin around span processors (OTLP export by default; an in-memory exporter in tests). */
function tracingPlugin(processors: (options: OpenTelemetryOptions) => SpanProcessor[]) {
  return definePlugin({
    name: '@tollgate/metrics-opentelemetry',
    options: openTelemetryOptionsSchema,
    setup(api, options) {
      // A provider of its own, not the global one: the gateway's spans never mix with a host app's setup.
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': options.serviceName }),
        sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
        spanProcessors: processors(options),
      });
      const hooks = createRequestTracer(provider.getTracer('@tollgate/metrics-opentelemetry'));
      api.addHook('route', hooks.route);
      api.addHook('log', hooks.log);
      return { close: () => provider.shutdown() };
    },
  });
}

/**
 * Traces every request with OpenTelemetry: a server span per request with the GenAI semantic
 * conventions (`gen_ai.operation.name`, `gen_ai.request.model`, `gen_ai.response.model`,
 * `gen_ai.provider.name`, `gen_ai.usage.*`), child spans for admission and for each upstream attempt,
 * the client's `traceparent` honoured and passed on to the upstream; exported over OTLP/HTTP in batches.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/metrics-opentelemetry", options: { url: "http://otel-collector:4318/v1/traces" } }
 */
export const openTelemetryPlugin = tracingPlugin((options) => [
  new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ ...(options.url === undefined ? {} : { url: options.url }), headers: options.headers }) }),
]);

/** The same plugin with span processors of your choice (an `InMemorySpanExporter` in tests, another exporter). */
export function openTelemetryPluginWith(processors: SpanProcessor[]) {
  return tracingPlugin(() => processors);
}
