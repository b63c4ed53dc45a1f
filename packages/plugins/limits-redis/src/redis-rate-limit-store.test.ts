import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { rateLimitStoreConformanceChecks } from '@tollgate/testkit';
import { limitsRedisOptionsSchema } from './limits-redis-options.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

// The real Redis of the machine and CI; every check uses fresh keys under a test prefix.
const url = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: RedisRateLimitStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
});

describe('the Redis rate-limit store (real Redis)', () => {
  const checks = rateLimitStoreConformanceChecks({
    async open() {
      const store = await RedisRateLimitStore.open(limitsRedisOptionsSchema.parse({ url, prefix: 'tollgate-test:' }), silentLogger);
      return { store, dispose: () => store.close() };
    },
  });
  for (const check of checks) it(check.name, check.run);

  it('fails to start with the connection error, without the password', async () => {
    await expect(RedisRateLimitStore.open(limitsRedisOptionsSchema.parse({ url: 'redis://:hunter2secret@127.0.0.1:1' }), silentLogger)).rejects.toThrow(/could not reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/);
  });

  it('lets requests through (onError: allow) or refuses them with 503 (onError: reject) when Redis goes away', async () => {
    const allow = await RedisRateLimitStore.open(limitsRedisOptionsSchema.parse({ url, prefix: 'tollgate-test:', commandTimeoutMs: 200 }), silentLogger);
    const reject = await RedisRateLimitStore.open(limitsRedisOptionsSchema.parse({ url, prefix: 'tollgate-test:', onError: 'reject', commandTimeoutMs: 200 }), silentLogger);
    opened.push(allow, reject);
    const check = { key: 'outage:requests', kind: 'requests' as const, limit: 10 };
    // Simulate the outage by closing the connections under the stores.
    await allow.close();
    await reject.close();
    await expect(allow.acquire('o1', [check], 1_000)).resolves.toMatchObject({ ok: true });
    await expect(reject.acquire('o2', [check], 1_000)).rejects.toMatchObject({ code: 'TOLLGATE_RATE_LIMIT_STORE_UNAVAILABLE', status: 503 });
  });

  it('shares the targets\' quota minutes: each instance\'s counts added, every instance\'s use answered, seconds past the minute dropped', async () => {
    const prefix = `tollgate-test-${randomUUID()}:`;
    const options = limitsRedisOptionsSchema.parse({ url, prefix, quotaExchangeMs: 100 });
    const [east, west] = [await RedisRateLimitStore.open(options, silentLogger), await RedisRateLimitStore.open(options, silentLogger)];
    opened.push(east, west);
    expect(east.intervalMs).toBe(100);
    const targets = ['azure-east/gpt-4o', 'azure-west/gpt-4o'];
    expect(await east.exchange([{ target: 'azure-east/gpt-4o', requests: 2, tokens: 300 }], targets)).toEqual([{ requests: 2, tokens: 300 }, { requests: 0, tokens: 0 }]);
    // Another instance sees them, with its own added.
    expect(await west.exchange([{ target: 'azure-east/gpt-4o', requests: 1, tokens: 0 }, { target: 'azure-west/gpt-4o', requests: 5, tokens: 10 }], targets)).toEqual([{ requests: 3, tokens: 300 }, { requests: 5, tokens: 10 }]);
    expect(await east.exchange([], targets)).toEqual([{ requests: 3, tokens: 300 }, { requests: 5, tokens: 10 }]);

    // A second older than the minute (as Redis's clock tells) is not counted, and is dropped.
    const raw = createClient({ url });
    await raw.connect();
    try {
      const key = `${prefix}{q}:azure-east/gpt-4o`;
      const seconds = Number(((await raw.time()) as unknown as [string, string])[0]);
      await raw.hSet(key, { [`${seconds - 61}:r`]: '70', [`${seconds - 30}:r`]: '4' });
      expect(await east.exchange([], targets.slice(0, 1))).toEqual([{ requests: 7, tokens: 300 }]);
      expect(await raw.hExists(key, `${seconds - 61}:r`)).toBe(0);
      expect(await raw.hExists(key, `${seconds - 30}:r`)).toBe(1);
      expect(await raw.ttl(key)).toBeGreaterThan(60);
    } finally {
      await raw.close();
    }
  });
});
