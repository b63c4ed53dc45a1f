import { openTelemetryPlugin } from './opentelemetry-plugin.js';

export default openTelemetryPlugin;
export { openTelemetryPlugin, openTelemetryPluginWith } from './opentelemetry-plugin.js';
export { createRequestTracer } from './request-tracer.js';
export type { OpenTelemetryOptions } from './opentelemetry-options.js';
