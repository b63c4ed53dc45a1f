import { z } from '@tollgate/core';

const milliseconds = z.number().int().positive();

/** The `timeouts` option of an HTTP provider, with Tollgate's defaults. */
export const upstreamTimeoutsSchema = z
  .strictObject({
    connectMs: milliseconds.default(10_000),
    /** Until the upstream's response headers arrive. */
    firstByteMs: milliseconds.default(120_000),
    /** Longest gap between two pieces of a response body. */
    idleMs: milliseconds.default(60_000),
    totalMs: milliseconds.default(600_000),
  })
  .prefault({});

/** A provider's timeouts, defaults applied. */
export type ProviderTimeouts = z.output<typeof upstreamTimeoutsSchema>;
