import { describe, expect, it } from 'vitest';
import { cacheConformanceChecks } from '@tollgate/testkit';
import { MemoryCache } from './memory-cache.js';

describe('the memory cache', () => {
  for (const check of cacheConformanceChecks({ open: async () => ({ cache: new MemoryCache(64 * 1024 * 1024), dispose: async () => {} }) })) it(check.name, check.run);

  it('stays within its byte bound, dropping the least recently used entries', async () => {
    const cache = new MemoryCache(10_000);
    for (let index = 0; index < 20; index += 1) await cache.set(`key-${index}`, 'x'.repeat(1_000), 60_000);
    expect(cache.size).toBeLessThanOrEqual(10_000);
    expect(await cache.get('key-19')).toBeDefined();
    expect(await cache.get('key-0')).toBeUndefined();
  });
});
