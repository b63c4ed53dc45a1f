import { z } from '@tollgate/core';

/** Options every cache plugin takes for its response cache. */
export const responseCacheOptionsSchema = z.strictObject({
  /**
   * Which requests are cached: `deterministic` (chat at temperature 0; embeddings and rankings,
   * which are deterministic, always), `always`, or `opt-in` (only requests sending
   * `x-tollgate-cache: use`). A request sending `x-tollgate-cache: use` is cached in every mode.
   */
  mode: z.enum(['deterministic', 'always', 'opt-in']).default('deterministic'),
  /**
   * Whose answers a request may be served: the same `team` (default), `key` or `org` — a principal
   * without that level falls back to its key — or `global` (every caller shares answers).
   */
  scope: z.enum(['team', 'key', 'org', 'global']).default('team'),
  /** How long an answer is kept (ms); a request can ask for less or more with `x-tollgate-cache-ttl` (seconds). */
  ttlMs: z.number().int().positive().default(3_600_000),
  /** The longest TTL a request may ask for (ms). */
  maxTtlMs: z.number().int().positive().default(86_400_000),
  /** Prefix of every key, so several gateways or apps can share a store. */
  namespace: z.string().default('tollgate:'),
});

/** Response cache options, with defaults applied. */
export type ResponseCacheOptions = z.output<typeof responseCacheOptionsSchema>;
