import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cache } from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';

/** A cache for one check (it may be shared: every check uses fresh keys). */
export interface CacheUnderTest {
  readonly cache: Cache;
  dispose(): Promise<void>;
}

/** How to open the cache under test. */
export interface CacheConformanceOptions {
  readonly open: () => Promise<CacheUnderTest>;
}

function point(condition: boolean, what: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, what, seen, fix, 'Cache');
}

/**
 * The checks a `Cache` store must pass: a miss is `undefined`, a value comes back exactly (64 KB of
 * multi-byte text included), each entry expires after its own TTL, a later set replaces, and 200
 * concurrent writes to different keys all land. Each failure names the contract point and the fix.
 *
 * @example
 * for (const check of cacheConformanceChecks({ open })) it(check.name, check.run);
 */
export function cacheConformanceChecks(options: CacheConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.open, (subject) => subject.dispose());
  const key = () => `tollgate-conformance:${randomUUID()}`;
  return [
    check('a miss is undefined and a stored value comes back exactly', async ({ cache }) => {
      const missing = await cache.get(key());
      point(missing === undefined, 'a key never set reads as undefined', () => JSON.stringify(missing), 'Return undefined (not null or "") for a missing key.');
      const text = `{"answer":"${'Grüße, 世界 — '.repeat(4_000)}"}`;
      const stored = key();
      await cache.set(stored, text, 60_000);
      const read = await cache.get(stored);
      point(read === text, 'a value round-trips byte for byte (64 KB, multi-byte UTF-8)', () => `${read?.length} characters back of ${text.length}`, 'Store and return the string unchanged (UTF-8, no truncation).');
    }),
    check('each entry expires after its own TTL, and a later set replaces it', async ({ cache }) => {
      const short = key();
      const long = key();
      await cache.set(short, 'short-lived', 150);
      await cache.set(long, 'first', 60_000);
      await cache.set(long, 'second', 60_000);
      await sleep(300);
      const expired = await cache.get(short);
      point(expired === undefined, 'an entry is gone after its TTL', () => JSON.stringify(expired), 'Give each entry the ttlMs of its set (PX in Redis, a per-entry TTL in an LRU).');
      const replaced = await cache.get(long);
      point(replaced === 'second', 'a later set replaces the value', () => JSON.stringify(replaced), 'Overwrite on set.');
    }),
    check('200 concurrent writes to different keys all land', async ({ cache }) => {
      const keys = Array.from({ length: 200 }, key);
      await Promise.all(keys.map((name, index) => cache.set(name, `value-${index}`, 60_000)));
      const values = await Promise.all(keys.map((name) => cache.get(name)));
      const wrong = values.filter((value, index) => value !== `value-${index}`).length;
      point(wrong === 0, 'concurrent writes do not lose or mix entries', () => `${wrong} of 200 wrong`, 'Keep one entry per key; do not share buffers between writes.');
    }),
  ];
}
