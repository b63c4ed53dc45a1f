import { definePlugin, RateLimitStore, TargetQuotaExchange } from '@tollgate/core';
import { limitsRedisOptionsSchema } from './limits-redis-options.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/**
 * Provides the `RateLimitStore` service on Redis, so `@tollgate/governance`'s rate limits hold across
 * every gateway instance, and the `TargetQuotaExchange`, so targets' `rpm`/`tpm` quotas do. List it
 * before `@tollgate/governance`.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/limits-redis", options: { url: "${REDIS_URL}" } }
 *   - { name: "@tollgate/governance", options: { rateLimits: [{ scope: team, rpm: 600 }] } }
 */
export const limitsRedisPlugin = definePlugin({
  name: '@tollgate/limits-redis',
  options: limitsRedisOptionsSchema,
  async setup(api, options) {
    const store = await RedisRateLimitStore.open(options, api.logger);
    api.provide(RateLimitStore, store);
    api.provide(TargetQuotaExchange, store);
    return { close: () => store.close() };
  },
});
