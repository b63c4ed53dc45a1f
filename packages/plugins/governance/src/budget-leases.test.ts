import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock, type Budget, type ReservationRequest } from '@tollgate/core';
import { openDatabase, SqliteGovernanceStore } from '@tollgate/ledger-sqlite';
import { BudgetLeases } from './budget-leases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const team = { scope: 'team', id: 'search' } as const;
const key = { scope: 'key', id: 'key_agent' } as const;

/** A SQLite file with a `limitMicros` budget on the team; `instance()` opens another "process" on it: a store and its leases. */
async function openBudget(limitMicros: number) {
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-leases-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const path = join(folder, 'tollgate.sqlite');
  const instance = (requests = 32) => {
    const database = openDatabase(path);
    const store = new SqliteGovernanceStore(database);
    let reserveCalls = 0;
    const counted = {
      reserve: (request: ReservationRequest) => ((reserveCalls += 1), store.reserve(request)),
      settle: store.settle.bind(store),
    };
    const settlements: { settled: readonly Budget[]; costMicros: number }[] = [];
    const leases = new BudgetLeases(counted, systemClock, { requests, reservationTtlMs: 600_000 }, (settled, costMicros) => settlements.push({ settled, costMicros }), silentLogger);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await leases.close();
      await store.close();
      database.close();
    };
    cleanups.push(close);
    return { store, leases, close, settlements, reserveCalls: () => reserveCalls };
  };
  // Reads the budget and its holds from a connection of its own, as the admin API would.
  const observerDatabase = openDatabase(path);
  const observer = new SqliteGovernanceStore(observerDatabase);
  cleanups.push(async () => {
    await observer.close();
    observerDatabase.close();
  });
  await observer.setBudget(team, limitMicros, 'none', Date.now());
  const budget = async () => (await observer.getBudgets([team], Date.now()))[0]!;
  return { instance, first: instance(), budget, holds: () => observer.countReservations() };
}

let sequence = 0;
/** A reservation of `amountMicros` on the key and the team. */
function request(amountMicros: number): ReservationRequest {
  const now = Date.now();
  return { id: `r-${(sequence += 1)}`, subjects: [key, team], amountMicros, expiresAt: now + 600_000, now };
}

describe('BudgetLeases', () => {
  it('draws and charges at once on a lease with room (the hooks\' path without a promise), and leaves everything else to reserve and settle', async () => {
    const { first, budget } = await openBudget(1_000_000);
    const before = request(100);
    expect(first.leases.draw(before)).toBe(false); // no lease yet: reserve takes one
    expect(await first.leases.reserve(before)).toEqual({ ok: true });
    const drawn = request(100);
    expect(first.leases.draw(drawn)).toBe(true);
    expect(first.reserveCalls()).toBe(1);
    expect(first.leases.draw(request(32 * 100))).toBe(false); // more than the room left
    expect(first.leases.charge(drawn.id, drawn.subjects, 40, Date.now())).toBe(true);
    expect(first.leases.charge(drawn.id, drawn.subjects, 40, Date.now())).toBe(false); // charged once only
    await first.leases.settle(before.id, before.subjects, 60, Date.now());
    await first.close();
    expect(first.leases.draw(request(100))).toBe(false); // closed: holds go to the store
    expect(await budget()).toMatchObject({ spentMicros: 100, reservedMicros: 0 });
  });

  it('admits most requests in memory: 200 requests take a handful of store reservations, and spend is exact once the lease is returned', async () => {
    const { first, budget, holds } = await openBudget(1_000_000);
    let costs = 0;
    for (let index = 0; index < 200; index += 1) {
      const held = request(100);
      expect(await first.leases.reserve(held)).toEqual({ ok: true });
      const cost = 10 + (index % 7);
      costs += cost;
      await first.leases.settle(held.id, held.subjects, cost, Date.now());
    }
    // One lease of 32 × 100 holds ~32 requests' worst case; charged costs use it up a little faster.
    expect(first.reserveCalls()).toBeLessThanOrEqual(10);
    // While the lease lives, the budget shows its hold and not yet all of the spend.
    expect((await budget()).reservedMicros).toBeGreaterThan(0);
    await first.close();
    expect(await budget()).toMatchObject({ spentMicros: costs, reservedMicros: 0 });
    expect(await holds()).toBe(0);
  });

  it('grows the lease of a busy key: 2,000 requests costing their worst case take a handful of renewals, not one per 32', async () => {
    const { first, budget } = await openBudget(100_000_000);
    for (let index = 0; index < 2_000; index += 1) {
      const held = request(100);
      expect(await first.leases.reserve(held)).toEqual({ ok: true });
      await first.leases.settle(held.id, held.subjects, 100, Date.now());
    }
    // 32, 64, 128, 256, 512 and then 1,024 worst cases a lease: 7 leases, against 63 of 32.
    expect(first.reserveCalls()).toBeLessThanOrEqual(12);
    await first.close();
    expect(await budget()).toMatchObject({ spentMicros: 200_000, reservedMicros: 0 });
  });

  it('never lets two instances spend past the budget together, charges every cost, and leaves no room unused at the end', async () => {
    // 100 worst cases of 1,000: room for three leases of 32 at first, then the instances hold on their own.
    const { instance, first, budget } = await openBudget(100_000);
    const second = instance();
    let admitted = 0;
    let charged = 0;
    const one = async (leases: BudgetLeases, index: number) => {
      const held = request(1_000);
      const outcome = await leases.reserve(held);
      if (!outcome.ok) return false;
      admitted += 1;
      await sleep(index % 5);
      // Most requests cost their worst case: the budget runs out.
      const cost = index % 4 === 0 ? 500 : 1_000;
      charged += cost;
      await leases.settle(held.id, held.subjects, cost, Date.now());
      return true;
    };
    // A burst of 400 at once across both, then each instance goes on one request at a time until
    // refused three times in a row (20 ms apart), bounded.
    await Promise.all(Array.from({ length: 400 }, (_, index) => one(index % 2 === 0 ? first.leases : second.leases, index)));
    const drain = async (leases: BudgetLeases) => {
      for (let index = 0, refusals = 0; index < 300 && refusals < 3; index += 1) {
        if (await one(leases, index)) refusals = 0;
        else {
          refusals += 1;
          await sleep(20);
        }
      }
    };
    await Promise.all([drain(first.leases), drain(second.leases)]);
    await first.close();
    await second.close();
    const final = await budget();
    console.log(`budget leases, 2 instances: ${admitted} admitted, spent ${final.spentMicros} of 100000 micros`);
    expect(final.spentMicros).toBe(charged);
    expect(final.spentMicros).toBeLessThanOrEqual(100_000);
    expect(final.reservedMicros).toBe(0);
    // Leases near the limit were returned: what is left is less than one more worst case.
    expect(final.spentMicros).toBeGreaterThan(100_000 - 1_000);
  });

  it('near the limit returns its lease and judges each request on its own: exactly the requests that fit are admitted', async () => {
    // Room for 40 worst cases: a lease of 32 is granted, then refused; the last 8 are held on their own.
    const { first, budget } = await openBudget(40 * 1_000);
    const outcomes = [];
    for (let index = 0; index < 41; index += 1) {
      const held = request(1_000);
      const outcome = await first.leases.reserve(held);
      outcomes.push(outcome.ok);
      if (outcome.ok) await first.leases.settle(held.id, held.subjects, 1_000, Date.now());
      else expect(outcome).toMatchObject({ availableMicros: 0, budget: { scope: 'team', id: 'search' } });
    }
    expect(outcomes.filter(Boolean)).toHaveLength(40);
    expect(outcomes[40]).toBe(false);
    expect(await budget()).toMatchObject({ spentMicros: 40_000, reservedMicros: 0 });
  });

  it('binds a budget set on another instance within about a second while requests flow', async () => {
    const { first, instance } = await openBudget(1_000_000);
    const admin = instance(0);
    // The key has no budget of its own yet: its requests draw on a lease the team's budget admitted.
    const held = request(1_000);
    expect(await first.leases.reserve(held)).toEqual({ ok: true });
    await first.leases.settle(held.id, held.subjects, 1_000, Date.now());
    await admin.store.setBudget(key, 500, 'none', Date.now());
    // Requests every 50 ms for at most about 2 s.
    let refused: unknown;
    for (let attempt = 0; attempt < 40 && refused === undefined; attempt += 1) {
      const next = request(1_000);
      const outcome = await first.leases.reserve(next);
      if (outcome.ok) {
        await first.leases.settle(next.id, next.subjects, 0, Date.now());
        await sleep(50);
      } else refused = outcome;
    }
    expect(refused).toMatchObject({ ok: false, budget: { scope: 'key', id: 'key_agent', limitMicros: 500 } });
  });

  it('keeps large requests in flight held in the store when small ones renew the lease', async () => {
    const { first, budget } = await openBudget(1_000_000);
    // A lease of 32 × 5,000; 20 large requests in flight on it.
    const large = Array.from({ length: 20 }, () => request(5_000));
    for (const held of large) expect(await first.leases.reserve(held)).toEqual({ ok: true });
    // Small ones use up the rest, until one renews the lease with a size of 32 × 100.
    for (let index = 0; index < 1_000 && first.reserveCalls() < 2; index += 1) {
      const held = request(100);
      expect(await first.leases.reserve(held)).toEqual({ ok: true });
      await first.leases.settle(held.id, held.subjects, 100, Date.now());
    }
    expect(first.reserveCalls()).toBe(2);
    for (let attempt = 0; attempt < 50 && first.settlements.length === 0; attempt += 1) await sleep(10);
    // The old hold is settled; the new one still covers the large requests' worst cases.
    expect(first.settlements).toHaveLength(1);
    expect((await budget()).reservedMicros).toBeGreaterThanOrEqual(20 * 5_000);
    for (const held of large) await first.leases.settle(held.id, held.subjects, 5_000, Date.now());
  });

  it('moves requests in flight to the renewed lease, charges spend within about a second while traffic goes on, and returns an idle lease', async () => {
    const { first, budget, holds } = await openBudget(10_000_000);
    // 20 in flight on the first lease, then enough to need a second one.
    const inFlight = Array.from({ length: 20 }, () => request(1_000));
    for (const held of inFlight) expect(await first.leases.reserve(held)).toEqual({ ok: true });
    for (let index = 0; index < 20; index += 1) {
      const held = request(1_000);
      expect(await first.leases.reserve(held)).toEqual({ ok: true });
      await first.leases.settle(held.id, held.subjects, 1_000, Date.now());
    }
    // 32,000 held: 20 in flight leave room for 12 more; the 13th renews it.
    expect(first.reserveCalls()).toBe(2);
    // The renewal settled the first lease with the costs charged to it (in the store's next batch).
    for (let attempt = 0; attempt < 50 && first.settlements.length === 0; attempt += 1) await sleep(10);
    expect(first.settlements.map((settlement) => settlement.costMicros)).toEqual([12 * 1_000]);
    for (const held of inFlight) await first.leases.settle(held.id, held.subjects, 400, Date.now());
    // Costs charged to the lease reach the budget within about a second (bounded wait).
    let spent = (await budget()).spentMicros;
    for (let attempt = 0; attempt < 30 && spent < 20 * 1_000 + 20 * 400; attempt += 1) {
      await sleep(100);
      spent = (await budget()).spentMicros;
    }
    expect(spent).toBe(20 * 1_000 + 20 * 400);
    // Idle for a second: the lease is returned, nothing stays held.
    let reserved = (await budget()).reservedMicros;
    for (let attempt = 0; attempt < 30 && reserved > 0; attempt += 1) {
      await sleep(100);
      reserved = (await budget()).reservedMicros;
    }
    expect(reserved).toBe(0);
    expect(await holds()).toBe(0);
  });
});
