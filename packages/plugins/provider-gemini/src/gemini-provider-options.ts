import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one `type: gemini` provider instance (validated at startup). */
export const geminiProviderOptionsSchema = z.strictObject({
  /** Sent as `x-goog-api-key`. */
  apiKey: z.string().min(1),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://generativelanguage.googleapis.com"' }).default('https://generativelanguage.googleapis.com'),
  /** The API version in the path (`v1beta` has every feature; `v1` is the stable subset). */
  apiVersion: z.enum(['v1beta', 'v1']).default('v1beta'),
  /** The id price tables know this upstream by. */
  priceProvider: z.string().min(1).default('google'),
  /** Ask for thought summaries, returned as `reasoning_content`. */
  includeThoughts: z.boolean().default(false),
  /** `safetySettings` sent with every request (`[{ category, threshold }]`). */
  safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  maxConnections: z.number().int().positive().optional(),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one `type: gemini` provider instance, with defaults applied. */
export type GeminiProviderOptions = z.output<typeof geminiProviderOptionsSchema>;
