import { cacheRedisPlugin } from './cache-redis-plugin.js';

export default cacheRedisPlugin;
export { cacheRedisPlugin };
export { RedisCache } from './redis-cache.js';
export { RedisConnection } from './redis-connection.js';
export type { CacheRedisOptions } from './cache-redis-options.js';
