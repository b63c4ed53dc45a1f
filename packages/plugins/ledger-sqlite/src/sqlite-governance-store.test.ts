import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { SqliteGovernanceStore } from './sqlite-governance-store.js';

const folders: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

const team = { scope: 'team', id: 'search' } as const;

/** A store on a new file with a $1 budget on the team; `hold(id)` is a $0.0001 reservation on it. */
async function openStore() {
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-store-'));
  folders.push(folder);
  const path = join(folder, 'tollgate.sqlite');
  const database = openDatabase(path);
  const store = new SqliteGovernanceStore(database);
  cleanups.push(async () => {
    await store.close();
    database.close();
  });
  const now = Date.now();
  await store.setBudget(team, 1_000_000, 'none', now);
  const hold = (id: string) => ({ id, subjects: [team], amountMicros: 100, expiresAt: now + 60_000, now });
  return { path, store, now, hold };
}

describe('SqliteGovernanceStore batches', () => {
  it('commits the other items of a batch when one fails', async () => {
    const { store, now, hold } = await openStore();
    // One batch (same turn): the second reservation reuses the first one's id, which the table refuses.
    const outcomes = await Promise.allSettled([store.reserve(hold('a')), store.reserve(hold('a')), store.reserve(hold('b'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [budget] = await store.getBudgets([team], now);
    expect(budget!.reservedMicros).toBe(200);
    expect(await store.countReservations()).toBe(2);
  });

  it('undoes all of a failed item, on every level, and keeps what the batch did around it', async () => {
    const { store, now, hold } = await openStore();
    const org = { scope: 'org', id: 'acme' } as const;
    await store.setBudget(org, 1_000_000, 'none', now);
    await store.reserve({ ...hold('x'), subjects: [org] });
    // One batch: 'x' holds on the team, then fails on the org (that hold exists): the team's hold must go too.
    const outcomes = await Promise.allSettled([store.reserve(hold('a')), store.reserve({ ...hold('x'), subjects: [team, org] }), store.settle('a', [team], 40, now)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const budgets = await store.getBudgets([team, org], now);
    expect(budgets.map((budget) => [budget.id, budget.reservedMicros, budget.spentMicros])).toEqual([['search', 0, 40], ['acme', 100, 0]]);
  });

  it('settles its own holds and those another store on the file made (another process), each released once', async () => {
    const { path, store, now, hold } = await openStore();
    const otherDatabase = openDatabase(path);
    const other = new SqliteGovernanceStore(otherDatabase);
    cleanups.push(async () => {
      await other.close();
      otherDatabase.close();
    });
    await store.reserve(hold('mine'));
    await other.reserve(hold('theirs'));
    await other.reserve(hold('lapsing'));
    expect((await store.getBudgets([team], now))[0]!.reservedMicros).toBe(300);
    await store.settle('mine', [team], 10, now);
    await store.settle('theirs', [team], 20, now); // made by the other store: its rows tell the amount
    expect((await store.getBudgets([team], now))[0]).toMatchObject({ reservedMicros: 100, spentMicros: 30 });
    // The other store's hold lapses; this store's next batch releases it, and holds a new one.
    const later = now + 120_000;
    await store.reserve({ ...hold('fresh'), now: later, expiresAt: later + 60_000 });
    expect((await store.getBudgets([team], later))[0]).toMatchObject({ reservedMicros: 100, spentMicros: 30 });
    // Settled late by the store that made it: charged, and nothing released twice ('fresh' keeps its hold).
    await other.settle('lapsing', [team], 5, later);
    expect((await other.getBudgets([team], later))[0]).toMatchObject({ reservedMicros: 100, spentMicros: 35 });
    await store.settle('fresh', [team], 0, later);
    expect(await store.countReservations()).toBe(0);
  });

  it('waits for a write lock held elsewhere without blocking the event loop', async () => {
    const { path, store, now, hold } = await openStore();
    // Another process (here: another connection) holds the write lock for 300 ms.
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    let releasedAt = 0;
    setTimeout(() => {
      releasedAt = performance.now() - started;
      other.exec('COMMIT');
    }, 300);
    const outcome = await store.reserve(hold('a'));
    // The reservation waited for the lock without blocking: this thread ran the timer that released it.
    expect(outcome).toEqual({ ok: true });
    expect(releasedAt).toBeGreaterThanOrEqual(290);
    expect(releasedAt).toBeLessThan(1_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const [budget] = await store.getBudgets([team], now);
    expect(budget!.reservedMicros).toBe(100);
    other.close();
  });

  it('gives up on a lock held elsewhere after 5 s: the reservation fails rather than hang, the event loop free all along', async () => {
    const { path, store, hold } = await openStore();
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE'); // never released while the reservation waits
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    const started = performance.now();
    const failure = await store.reserve(hold('a')).catch((error: unknown) => error);
    const waited = performance.now() - started;
    clearInterval(ticker);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/locked/);
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(waited).toBeLessThan(8_000);
    expect(ticks).toBeGreaterThan(50); // ~100 ticks of 50 ms: the loop ran throughout
    other.exec('COMMIT');
    // Once the lock is free again, the store works.
    expect(await store.reserve(hold('b'))).toEqual({ ok: true });
    other.close();
  });
});

describe('SqliteGovernanceStore on a file from the previous version', () => {
  it('keeps the holds in flight when the upgrade rebuilds the reservations table, and settles them', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tollgate-store-upgrade-'));
    folders.push(folder);
    const path = join(folder, 'tollgate.sqlite');
    // The file as the version before the rebuild left it: the migrations before it, a budget and a hold in flight.
    const rebuild = migrations.findIndex((migration) => migration.includes('CREATE TABLE tollgate_reservations_by_expiry'));
    expect(rebuild).toBeGreaterThan(0);
    const previous = new DatabaseSync(path);
    previous.exec('CREATE TABLE tollgate_schema (version INTEGER NOT NULL)');
    for (const migration of migrations.slice(0, rebuild)) previous.exec(migration);
    previous.prepare('INSERT INTO tollgate_schema (version) VALUES (?)').run(rebuild);
    const now = Date.now();
    previous.prepare("INSERT INTO tollgate_budgets (scope, subject_id, limit_micros, period, reserved_micros, period_started_at) VALUES ('team', 'search', 1000, 'none', 300, 0)").run();
    previous.prepare("INSERT INTO tollgate_reservations (id, scope, subject_id, amount_micros, expires_at) VALUES ('in-flight', 'team', 'search', 300, ?)").run(now + 60_000);
    previous.close();

    const database = openDatabase(path);
    const store = new SqliteGovernanceStore(database);
    cleanups.push(async () => {
      await store.close();
      database.close();
    });
    expect(await store.countReservations()).toBe(1);
    // The hold still counts: 700 of 1,000 remain.
    expect(await store.reserve({ id: 'too-big', subjects: [team], amountMicros: 800, expiresAt: now + 60_000, now })).toMatchObject({ ok: false, availableMicros: 700 });
    await store.settle('in-flight', [team], 120, now);
    expect((await store.getBudgets([team], now))[0]).toMatchObject({ reservedMicros: 0, spentMicros: 120 });
    expect(await store.countReservations()).toBe(0);
  });
});
