import { z } from '@tollgate/core';
import { responseCacheOptionsSchema } from '@tollgate/response-cache';

/** Options of the Redis cache plugin: the connection and the response cache's options. */
export const cacheRedisOptionsSchema = responseCacheOptionsSchema
  .extend({
    /** `redis://[:password@]host:6379[/db]`; write `${REDIS_URL}` rather than the password. */
    url: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** Longest wait for Redis; a slower read is a miss, a slower write is dropped (ms). */
    commandTimeoutMs: z.number().int().positive().default(200),
  })
  .prefault({});

/** Options of the Redis cache plugin, with defaults applied. */
export type CacheRedisOptions = z.output<typeof cacheRedisOptionsSchema>;
