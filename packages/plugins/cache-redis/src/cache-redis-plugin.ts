import { definePlugin } from '@tollgate/core';
import { useResponseCache } from '@tollgate/response-cache';
import { cacheRedisOptionsSchema } from './cache-redis-options.js';
import { RedisCache } from './redis-cache.js';

/**
 * Caches answers in Redis, shared by every gateway instance, and serves repeated deterministic
 * requests from it, per team by default; provides the `Cache` service.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/cache-redis", options: { url: "${REDIS_URL}", ttlMs: 600000 } }
 */
export const cacheRedisPlugin = definePlugin({
  name: '@tollgate/cache-redis',
  options: cacheRedisOptionsSchema,
  async setup(api, options) {
    const cache = await RedisCache.open(options.url, options.commandTimeoutMs, api.logger);
    useResponseCache(api, cache, options);
    return { close: () => cache.close() };
  },
});
