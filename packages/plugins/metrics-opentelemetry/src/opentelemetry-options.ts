import { z } from '@tollgate/core';

/** Options of the OpenTelemetry plugin. */
export const openTelemetryOptionsSchema = z
  .strictObject({
    /** `service.name` of the spans. */
    serviceName: z.string().min(1).default('tollgate'),
    /** OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`); the standard `OTEL_EXPORTER_OTLP_*` variables apply when left out. */
    url: z.string().min(1).optional(),
    /** Headers of the export (an API key of your tracing backend); write `${ENV}` for secrets. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Share of requests traced (0–1); a client's sampled `traceparent` is always honoured. */
    sampleRatio: z.number().min(0).max(1).default(1),
  })
  .prefault({});

/** Options of the OpenTelemetry plugin, with defaults applied. */
export type OpenTelemetryOptions = z.output<typeof openTelemetryOptionsSchema>;
