import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { ledgerColumns, silentLogger } from '@tollgate/core';
import { sampleLedgerEntry } from '@tollgate/testkit';
import { SqliteLedger, toRowValues } from './sqlite-ledger.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function databasePath(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-ledger-'));
  folders.push(folder);
  return join(folder, 'ledger.sqlite');
}

const entry = sampleLedgerEntry;

const count = (ledger: SqliteLedger) => (ledger.database.prepare('SELECT count(*) AS n FROM tollgate_requests').get() as { n: number }).n;

describe('SqliteLedger', () => {
  it('buffers in memory on record (no write on the request path) and writes on flush', async () => {
    const ledger = new SqliteLedger({ path: await databasePath(), batchSize: 500, flushIntervalMs: 60_000 }, silentLogger);
    ledger.record(entry(1));
    expect(count(ledger)).toBe(0);
    await ledger.flush();
    expect(count(ledger)).toBe(1);
    const row = ledger.database.prepare('SELECT * FROM tollgate_requests').get() as Record<string, unknown>;
    expect(row).toMatchObject({ request_id: 'req-1', team_id: 'search', prompt_tokens: 10, completion_tokens: 5, cached_tokens: 4, cache_write_tokens: 1, cost_micros: 1234, status: 200, stream: 1 });
    expect(JSON.parse(row.attempts as string)).toEqual([{ target: 'openai/gpt-4o', status: 200, latencyMs: 10 }]);
    await ledger.close();
  });

  it('writes a full batch at once and the rest on its timer, off the event loop', async () => {
    const ledger = new SqliteLedger({ path: await databasePath(), batchSize: 100, flushIntervalMs: 600 }, silentLogger);
    for (let index = 0; index < 250; index += 1) ledger.record(entry(index));
    // Nothing is written on this thread: the two full batches went to the writer thread.
    expect(count(ledger)).toBe(0);
    const seen: number[] = [];
    for (let attempt = 0; attempt < 200 && count(ledger) < 250; attempt += 1) {
      seen.push(count(ledger));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen).toContain(200); // the full batches, before the timer sent the rest
    expect(count(ledger)).toBe(250);
    await ledger.close();
  });

  it('drains every buffered row on close, and a reopened file keeps them and its schema', async () => {
    const path = await databasePath();
    const ledger = new SqliteLedger({ path, batchSize: 1000, flushIntervalMs: 60_000 }, silentLogger);
    for (let index = 0; index < 300; index += 1) ledger.record(entry(index));
    await ledger.close();
    await ledger.close(); // a second close is harmless
    const reopened = new SqliteLedger({ path, batchSize: 1000, flushIntervalMs: 60_000 }, silentLogger);
    expect(count(reopened)).toBe(300);
    expect(reopened.database.prepare('SELECT version FROM tollgate_schema').all()).toEqual([{ version: migrations.length }]);
    expect((reopened.database.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    await reopened.close();
  });
});

describe('SqliteLedger retention', () => {
  const day = 86_400_000;
  /** An entry that arrived `daysAgo` days before now. */
  const aged = (index: number, daysAgo: number) => ({ ...entry(index), startedAt: Date.now() - daysAgo * day });

  it('prunes the rows of requests before a time, in chunks on the writer thread, while new rows keep being written', async () => {
    const ledger = new SqliteLedger({ path: await databasePath(), batchSize: 500, flushIntervalMs: 60_000 }, silentLogger);
    for (let index = 0; index < 12_000; index += 1) ledger.record(aged(index, 40));
    for (let index = 12_000; index < 12_010; index += 1) ledger.record(aged(index, 1));
    await ledger.flush();
    const pruning = ledger.prune(Date.now() - 30 * day);
    for (let index = 20_000; index < 20_005; index += 1) ledger.record(aged(index, 0));
    await ledger.flush();
    // Three chunks of at most 5,000.
    expect(await pruning).toBe(12_000);
    expect(count(ledger)).toBe(15);
    expect(await ledger.prune(Date.now() - 30 * day)).toBe(0);
    await ledger.close();
  });

  it('with retentionDays, deletes the rows past it as it opens (and every hour), and logs how many', async () => {
    const path = await databasePath();
    const first = new SqliteLedger({ path, batchSize: 500, flushIntervalMs: 60_000 }, silentLogger);
    for (let index = 0; index < 30; index += 1) first.record(aged(index, index));
    await first.close();
    const logged: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, info: (fields: Record<string, unknown>) => logged.push(fields), child: () => logger };
    const ledger = new SqliteLedger({ path, batchSize: 500, flushIntervalMs: 60_000, retentionDays: 7.5 }, logger as unknown as typeof silentLogger);
    // The rows go on the writer thread; the count is logged once its answer reaches this one.
    for (let attempt = 0; attempt < 200 && (count(ledger) > 8 || logged.length === 0); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // Rows of 0 to 7 days ago stay.
    expect(count(ledger)).toBe(8);
    expect(logged).toContainEqual({ deleted: 22, before: expect.stringMatching(/^\d{4}-/) });
    await ledger.close();
  });
});

describe('SqliteLedger writer thread', () => {
  it('keeps the rows of a failed batch and writes them once the database takes writes again', async () => {
    const path = await databasePath();
    const ledger = new SqliteLedger({ path, batchSize: 500, flushIntervalMs: 10 }, silentLogger);
    // A trigger makes every insert fail, as a full disk would.
    ledger.database.exec('CREATE TRIGGER refuse BEFORE INSERT ON tollgate_requests BEGIN SELECT RAISE(ABORT, \'refused\'); END');
    ledger.record(entry(1));
    ledger.record(entry(2));
    await ledger.flush();
    expect(count(ledger)).toBe(0);
    ledger.database.exec('DROP TRIGGER refuse');
    for (let attempt = 0; attempt < 100 && count(ledger) < 2; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(count(ledger)).toBe(2);
    await ledger.close();
  });
});

describe('SqliteLedger writer thread that cannot start', () => {
  it('keeps the rows and starts another thread once per retry interval, not in a loop', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tollgate-ledger-gone-'));
    folders.push(folder);
    const messages: string[] = [];
    const failedAt: number[] = [];
    const logger = {
      ...silentLogger,
      error: (_fields: unknown, message?: string) => {
        messages.push(message ?? '');
        if (message === 'ledger writer thread failed') failedAt.push(performance.now());
      },
    };
    const ledger = new SqliteLedger({ path: join(folder, 'ledger.sqlite'), batchSize: 500, flushIntervalMs: 100 }, logger);
    // The folder goes before the writer thread opens the file: every writer thread fails to start.
    await rm(folder, { recursive: true, force: true });
    ledger.record(entry(1));
    for (let attempt = 0; attempt < 100 && failedAt.length < 3; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failedAt.length).toBeGreaterThanOrEqual(3);
    // Restarted by the retry timer (5 × 100 ms after the rows came back), not as soon as the last one died.
    expect(failedAt[2]! - failedAt[1]!).toBeGreaterThanOrEqual(400);
    expect(messages).toContain('ledger write failed; rows kept for the next flush');
    await ledger.close();
  });
});

describe('SqliteLedger with a row the database refuses', () => {
  it('writes the rest of the batch, drops that row with an error naming its request, and keeps writing', async () => {
    const errors: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = { ...silentLogger, error: (fields: Record<string, unknown>, message: string) => errors.push({ fields, message }), child: () => logger };
    const ledger = new SqliteLedger({ path: await databasePath(), batchSize: 500, flushIntervalMs: 60_000 }, logger as unknown as typeof silentLogger);
    ledger.record(entry(1));
    // A model SQLite cannot bind (a client's body that was never validated, as the engine once passed on).
    ledger.record({ ...entry(2), model: undefined as unknown as string });
    ledger.record(entry(3));
    await ledger.flush();
    expect(count(ledger)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/refused/);
    expect(errors[0]!.fields.requestId).toBe(entry(2).requestId);
    // Nothing is kept to poison the next batches.
    ledger.record(entry(4));
    await ledger.flush();
    expect(count(ledger)).toBe(3);
    expect(errors).toHaveLength(1);
    // A bad row alone in its batch is refused too, not kept for a retry.
    ledger.record({ ...entry(5), model: undefined as unknown as string });
    await ledger.flush();
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/refused/), expect.stringMatching(/refused/)]);
    ledger.record(entry(6));
    await ledger.flush();
    expect(count(ledger)).toBe(4);
    expect(errors).toHaveLength(2);
    await ledger.close();
  });

  it('builds rows as dense arrays, still once the row builder is optimized: the fast path of the post to the writer thread', () => {
    // V8's serializer tags a packed array `A`; a holey one (what an optimized `Array#map` makes, after
    // some 20,000–50,000 calls) goes as a sparse `a`, each index a key: twice the work on both threads.
    let row = toRowValues(entry(0));
    for (let index = 1; index <= 100_000; index += 1) row = toRowValues(entry(index));
    const bytes = serialize(row);
    expect(String.fromCharCode(bytes[2]!)).toBe('A');
    expect(row).toHaveLength(ledgerColumns.length);
  });
});
