import { z } from '@tollgate/core';

/** Options of the Redis rate-limit plugin. */
export const limitsRedisOptionsSchema = z
  .strictObject({
    /** `redis://[:password@]host:6379[/db]`; write `${REDIS_URL}` rather than the password. */
    url: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** Prefix of every key, so several gateways (or other apps) can share one Redis. */
    prefix: z.string().default('tollgate:'),
    /** When Redis cannot be reached: `allow` the request (logged) or `reject` it with 503. */
    onError: z.enum(['allow', 'reject']).default('allow'),
    /** Longest wait for a Redis answer before `onError` applies (ms). */
    commandTimeoutMs: z.number().int().positive().default(500),
    /**
     * How often each instance shares its targets' quota counts (`rpm`/`tpm` on a target, the
     * `usage-based` strategy) and reads the others' (ms): how late another instance's use is seen.
     */
    quotaExchangeMs: z.number().int().min(50).default(250),
  })
  .prefault({});

/** Options of the Redis rate-limit plugin, with defaults applied. */
export type LimitsRedisOptions = z.output<typeof limitsRedisOptionsSchema>;
