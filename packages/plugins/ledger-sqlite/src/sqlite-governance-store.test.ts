import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { SqliteGovernanceStore } from './sqlite-governance-store.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('SqliteGovernanceStore batches', () => {
  it('commits the other items of a batch when one fails', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tollgate-store-'));
    folders.push(folder);
    const database = openDatabase(join(folder, 'tollgate.sqlite'));
    const store = new SqliteGovernanceStore(database);
    const now = Date.now();
    const team = { scope: 'team', id: 'search' } as const;
    await store.setBudget(team, 1_000_000, 'none', now);
    const hold = (id: string) => ({ id, subjects: [team], amountMicros: 100, expiresAt: now + 60_000, now });
    // One batch (same turn): the second reservation reuses the first one's id, which the table refuses.
    const outcomes = await Promise.allSettled([store.reserve(hold('a')), store.reserve(hold('a')), store.reserve(hold('b'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [budget] = await store.getBudgets([team], now);
    expect(budget!.reservedMicros).toBe(200);
    expect(await store.countReservations()).toBe(2);
    database.close();
  });
});
