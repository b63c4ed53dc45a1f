import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { cacheConformanceChecks } from '@tollgate/testkit';
import { RedisCache } from './redis-cache.js';

// The real Redis of the machine and CI.
const url = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: RedisCache[] = [];
afterAll(async () => {
  for (const cache of opened) await cache.close().catch(() => undefined);
});

describe('the Redis cache (real Redis)', () => {
  for (const check of cacheConformanceChecks({ open: async () => {
    const cache = await RedisCache.open(url, 1_000, silentLogger);
    return { cache, dispose: () => cache.close() };
  } })) it(check.name, check.run);

  it('never fails a request when Redis goes away: reads miss, writes are dropped', async () => {
    const cache = await RedisCache.open(url, 200, silentLogger);
    opened.push(cache);
    await cache.close();
    await expect(cache.get('anything')).resolves.toBeUndefined();
    await expect(cache.set('anything', 'value', 1_000)).resolves.toBeUndefined();
  });

  it('fails to start with the connection error, without the password', async () => {
    await expect(RedisCache.open('redis://:hunter2secret@127.0.0.1:1', 200, silentLogger)).rejects.toThrow(/could not reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/);
  });
});
