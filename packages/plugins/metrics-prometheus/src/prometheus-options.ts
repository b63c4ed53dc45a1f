import { z } from '@tollgate/core';

/** Options of the Prometheus metrics plugin. */
export const prometheusOptionsSchema = z
  .strictObject({
    /** Prefix of every metric name. */
    prefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/).default('tollgate_'),
    /** Also export Node.js process metrics (memory, event-loop lag, GC). */
    processMetrics: z.boolean().default(true),
    /** Label token and cost series by key name (not the key): useful, but one series per key. */
    labelKeys: z.boolean().default(true),
  })
  .prefault({});

/** Options of the Prometheus metrics plugin, with defaults applied. */
export type PrometheusOptions = z.output<typeof prometheusOptionsSchema>;
