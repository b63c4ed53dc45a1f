import { limitsRedisPlugin } from './limits-redis-plugin.js';

export default limitsRedisPlugin;
export { limitsRedisPlugin };
export { RedisRateLimitStore } from './redis-rate-limit-store.js';
export type { LimitsRedisOptions } from './limits-redis-options.js';
