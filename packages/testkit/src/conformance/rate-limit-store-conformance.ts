import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitCheck, RateLimitStore } from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';

/** A rate-limit store for one check (it may be shared: every check uses fresh keys). */
export interface RateLimitStoreUnderTest {
  readonly store: RateLimitStore;
  dispose(): Promise<void>;
}

/** How to open the rate-limit store under test. */
export interface RateLimitStoreConformanceOptions {
  readonly open: () => Promise<RateLimitStoreUnderTest>;
}

function point(condition: boolean, what: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, what, seen, fix, 'RateLimitStore');
}

/** A check on a key no other check (or run) uses. */
function fresh(kind: RateLimitCheck['kind'], limit: number): RateLimitCheck {
  return { key: `conformance:${randomUUID()}:${kind}`, kind, limit };
}

/**
 * The checks a `RateLimitStore` must pass: 100 concurrent admissions under a limit of 10 per minute
 * admit exactly 10, an admission is all-or-nothing across its checks, parallel slots are held until
 * released and lapse after their TTL, tokens are charged at release, and the state tells what remains
 * and when the limit is full again. Each failure names the contract point and the fix.
 *
 * @example
 * for (const check of rateLimitStoreConformanceChecks({ open })) it(check.name, check.run);
 */
export function rateLimitStoreConformanceChecks(options: RateLimitStoreConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.open, (subject) => subject.dispose());
  return [
    check('100 concurrent admissions under 10 requests per minute admit exactly 10', async ({ store }) => {
      const rpm = fresh('requests', 10);
      const outcomes = await Promise.all(Array.from({ length: 100 }, (_, index) => store.acquire(`r${index}`, [rpm], 60_000)));
      const admitted = outcomes.filter((outcome) => outcome.ok).length;
      point(admitted === 10, 'a limit holds under concurrency', () => `${admitted} admitted`, 'Read, judge and write the counter in one atomic step (one Lua script, one synchronous section).');
      const refused = outcomes.find((outcome) => !outcome.ok);
      point(refused !== undefined && !refused.ok && refused.retryAfterMs > 0 && refused.retryAfterMs <= 6_000, 'a refusal says when one more request fits', () => JSON.stringify(refused), 'Return retryAfterMs: the time until the next request fits (at most 60 s ÷ limit here).');
    }),
    check('an admission is all or nothing across its checks', async ({ store }) => {
      const roomy = fresh('requests', 100);
      const tight = fresh('requests', 1);
      await store.acquire('a1', [roomy, tight], 60_000);
      const refused = await store.acquire('a2', [roomy, tight], 60_000);
      point(!refused.ok && refused.check.key === tight.key, 'a refusal names the check that is full', () => JSON.stringify(refused), 'Return { ok: false, check } with the first full check.');
      const after = await store.acquire('a3', [roomy], 60_000);
      point(after.ok && after.states[0]?.remaining === 98, 'a refused admission consumes nothing on the other checks', () => JSON.stringify(after), 'Judge every check first, then count on all of them.');
    }),
    check('parallel slots are held until released, and lapse after their TTL', async ({ store }) => {
      const parallel = fresh('parallel', 2);
      await store.acquire('p1', [parallel], 60_000);
      await store.acquire('p2', [parallel], 60_000);
      const third = await store.acquire('p3', [parallel], 60_000);
      point(!third.ok, 'a full parallel limit refuses', () => JSON.stringify(third), 'Count live slots and refuse at the limit.');
      await store.release('p1', [parallel], 0);
      const freed = await store.acquire('p3', [parallel], 200);
      point(freed.ok, 'release frees the request\'s slot', () => JSON.stringify(freed), 'Remove the request id\'s slot in release.');
      await store.release('p2', [parallel], 0);
      await store.acquire('p4', [parallel], 200);
      await sleep(300);
      const lapsed = await store.acquire('p5', [parallel], 60_000);
      const lapsedAgain = await store.acquire('p6', [parallel], 60_000);
      point(lapsed.ok && lapsedAgain.ok, 'a slot never released lapses after its TTL (a crashed instance frees its slots)', () => JSON.stringify([lapsed, lapsedAgain]), 'Store each slot with its expiry and drop expired slots before counting.');
    }),
    check('tokens are charged at release and refuse while the minute is spent', async ({ store }) => {
      const tpm = fresh('tokens', 1_000);
      const first = await store.acquire('t1', [tpm], 60_000);
      point(first.ok, 'an unspent token limit admits', () => JSON.stringify(first), 'Admit a `tokens` check while the minute has room.');
      await store.release('t1', [tpm], 2_000);
      const refused = await store.acquire('t2', [tpm], 60_000);
      point(!refused.ok && refused.retryAfterMs > 50_000, 'tokens used beyond the minute refuse until they are paid back', () => JSON.stringify(refused), 'In release, advance the tokens cell by tokens × 60 s ÷ limit; refuse while it is a minute or more ahead.');
    }),
    check('an admission tells what remains and when the limit is whole again', async ({ store }) => {
      const rpm = fresh('requests', 10);
      const outcome = await store.acquire('s1', [rpm], 60_000);
      const state = outcome.ok ? outcome.states[0] : undefined;
      point(state?.remaining === 9 && state.resetMs > 5_000 && state.resetMs <= 6_001, 'states give remaining and resetMs per check, in order', () => JSON.stringify(outcome), 'Return one state per check: remaining = requests that still fit now, resetMs = time until the limit is whole.');
    }),
  ];
}
