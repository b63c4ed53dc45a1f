import { cacheMemoryPlugin } from './cache-memory-plugin.js';

export default cacheMemoryPlugin;
export { cacheMemoryPlugin };
export { MemoryCache } from './memory-cache.js';
export type { CacheMemoryOptions } from './cache-memory-options.js';
