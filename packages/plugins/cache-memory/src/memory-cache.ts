import { LRUCache } from 'lru-cache';
import type { Cache } from '@tollgate/core';

/**
 * A `Cache` in this process's memory: `lru-cache` bounded by the bytes of keys and values (UTF-16,
 * as V8 holds them), each entry with its own TTL. One instance only — several instances each keep
 * their own (use `@tollgate/cache-redis` to share).
 */
export class MemoryCache implements Cache {
  readonly #entries: LRUCache<string, string>;

  constructor(maxBytes: number) {
    this.#entries = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (value, key) => 2 * (value.length + key.length), ttlAutopurge: false });
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, value, { ttl: ttlMs });
  }

  /** Bytes held now. */
  get size(): number {
    return this.#entries.calculatedSize;
  }
}
