import { createServiceToken } from './service-token.js';

/**
 * A key-value store for cached answers (`@tollgate/cache-memory`, `@tollgate/cache-redis`). Values
 * are opaque strings (the response cache stores JSON); keys arrive already scoped and hashed. Reads
 * and writes must never throw on the request path: a failing store answers `undefined` and drops
 * writes (logging them).
 */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** Service token of the cache. */
export const Cache = createServiceToken<Cache>('Cache');
