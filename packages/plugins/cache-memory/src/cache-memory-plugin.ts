import { definePlugin } from '@tollgate/core';
import { useResponseCache } from '@tollgate/response-cache';
import { cacheMemoryOptionsSchema } from './cache-memory-options.js';
import { MemoryCache } from './memory-cache.js';

/**
 * Caches answers in this process's memory (an LRU bounded in bytes, with TTLs) and serves repeated
 * deterministic requests from it, per team by default; provides the `Cache` service.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/cache-memory", options: { maxBytes: 134217728, ttlMs: 600000 } }
 */
export const cacheMemoryPlugin = definePlugin({
  name: '@tollgate/cache-memory',
  options: cacheMemoryOptionsSchema,
  setup(api, options) {
    const cache = new MemoryCache(options.maxBytes);
    useResponseCache(api, cache, options);
  },
});
