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
});
