import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { silentLogger } from '@tollgate/core';
import { sampleLedgerEntry } from '@tollgate/testkit';
import { SqliteLedger } from './sqlite-ledger.js';

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
    ledger.close();
  });

  it('writes a full batch at once and the rest on its timer', async () => {
    const ledger = new SqliteLedger({ path: await databasePath(), batchSize: 100, flushIntervalMs: 20 }, silentLogger);
    for (let index = 0; index < 250; index += 1) ledger.record(entry(index));
    expect(count(ledger)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(count(ledger)).toBe(250);
    ledger.close();
  });

  it('drains every buffered row on close, and a reopened file keeps them and its schema', async () => {
    const path = await databasePath();
    const ledger = new SqliteLedger({ path, batchSize: 1000, flushIntervalMs: 60_000 }, silentLogger);
    for (let index = 0; index < 300; index += 1) ledger.record(entry(index));
    ledger.close();
    const reopened = new SqliteLedger({ path, batchSize: 1000, flushIntervalMs: 60_000 }, silentLogger);
    expect(count(reopened)).toBe(300);
    expect(reopened.database.prepare('SELECT version FROM tollgate_schema').all()).toEqual([{ version: migrations.length }]);
    expect((reopened.database.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    reopened.close();
  });
});
