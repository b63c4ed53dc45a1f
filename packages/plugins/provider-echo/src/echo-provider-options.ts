import { z } from '@tollgate/core';

/** Options of one `type: echo` provider instance. */
export const echoProviderOptionsSchema = z.strictObject({
  /** Put before the echoed text. */
  prefix: z.string().default('Echo: '),
  /** Milliseconds between streamed chunks (0: as fast as possible). */
  chunkDelayMs: z.number().int().min(0).default(0),
  /** Length of embedding vectors when the request does not say. */
  dimensions: z.number().int().positive().default(16),
});

/** Options of one `type: echo` provider instance, with defaults applied. */
export type EchoProviderOptions = z.output<typeof echoProviderOptionsSchema>;
