import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { silentLogger } from '@tollgate/core';
import { sampleLedgerEntry } from '@tollgate/testkit';
import { ledgerPostgresOptionsSchema } from './ledger-postgres-options.js';
import { PostgresGovernanceStore } from './postgres-governance-store.js';
import { PostgresLedger } from './postgres-ledger.js';

// The real PostgreSQL of the machine and CI (trust auth, database `test`); each test gets its own schema.
const connectionString = process.env.TOLLGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString, max: 2 });
const schemas: string[] = [];

beforeAll(async () => {
  await admin.query('SELECT 1');
});
afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

function freshSchema(): string {
  const schema = `tollgate_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
}

function options(schema: string, overrides: Record<string, unknown> = {}) {
  return ledgerPostgresOptionsSchema.parse({ connectionString, schema, ...overrides });
}

const entry = sampleLedgerEntry;

async function count(schema: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.tollgate_requests`);
  return Number(rows[0]!.n);
}

describe('PostgresLedger (real PostgreSQL)', () => {
  it('buffers on record (no query on the request path), writes on flush, and maps every field', async () => {
    const schema = freshSchema();
    const ledger = await PostgresLedger.open(options(schema, { flushIntervalMs: 60_000 }), silentLogger);
    ledger.record(entry(1));
    expect(await count(schema)).toBe(0);
    await ledger.flush();
    expect(await count(schema)).toBe(1);
    const { rows } = await admin.query(`SELECT * FROM ${schema}.tollgate_requests`);
    expect(rows[0]).toMatchObject({ request_id: 'req-1', team_id: 'search', user_id: null, prompt_tokens: 10, completion_tokens: 5, cached_tokens: 4, cache_write_tokens: 1, reasoning_tokens: null, cost_micros: '1234', latency_ms: 12.5, status: 200, stream: true });
    expect((rows[0].started_at as Date).getTime()).toBe(1_795_000_000_001);
    expect(rows[0].attempts).toEqual([{ target: 'openai/gpt-4o', status: 200, latencyMs: 10 }]);
    await ledger.close();
  });

  it('writes full batches as they fill and the rest on its timer, each row once', async () => {
    const schema = freshSchema();
    const ledger = await PostgresLedger.open(options(schema, { batchSize: 100, flushIntervalMs: 30 }), silentLogger);
    for (let index = 0; index < 1_250; index += 1) ledger.record(entry(index));
    for (let attempt = 0; attempt < 50 && (await count(schema)) < 1_250; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count(schema)).toBe(1_250);
    const { rows } = await admin.query<{ n: string }>(`SELECT count(DISTINCT request_id) AS n FROM ${schema}.tollgate_requests`);
    expect(Number(rows[0]!.n)).toBe(1_250);
    await ledger.close();
  });

  it('drains what is buffered on close; instances starting together migrate once', async () => {
    const schema = freshSchema();
    const ledgers = await Promise.all([1, 2, 3].map(() => PostgresLedger.open(options(schema, { flushIntervalMs: 60_000 }), silentLogger)));
    for (const [position, ledger] of ledgers.entries()) for (let index = 0; index < 200; index += 1) ledger.record(entry(position * 1_000 + index));
    await Promise.all(ledgers.map((ledger) => ledger.close()));
    expect(await count(schema)).toBe(600);
    const { rows } = await admin.query(`SELECT version FROM ${schema}.tollgate_schema`);
    expect(rows).toEqual([{ version: migrations.length }]);
  });

  it('keeps the rows of a refused write and records them once the table accepts writes again', async () => {
    const schema = freshSchema();
    const ledger = await PostgresLedger.open(options(schema, { flushIntervalMs: 60_000 }), silentLogger);
    await admin.query(`ALTER TABLE ${schema}.tollgate_requests RENAME TO tollgate_requests_away`);
    for (let index = 0; index < 30; index += 1) ledger.record(entry(index));
    await expect(ledger.flush()).rejects.toThrow(/tollgate_requests/);
    await admin.query(`ALTER TABLE ${schema}.tollgate_requests_away RENAME TO tollgate_requests`);
    await ledger.flush();
    expect(await count(schema)).toBe(30);
    await ledger.close();
  });

  it('writes the rest of a batch with a row PostgreSQL refuses, drops that row naming its request, and keeps writing', async () => {
    const schema = freshSchema();
    const errors: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = { ...silentLogger, error: (fields: Record<string, unknown>, message: string) => errors.push({ fields, message }), child: () => logger };
    const ledger = await PostgresLedger.open(options(schema, { flushIntervalMs: 60_000 }), logger as unknown as typeof silentLogger);
    ledger.record(entry(1));
    ledger.record({ ...entry(2), model: undefined as unknown as string }); // NOT NULL: refused for itself
    ledger.record(entry(3));
    await ledger.flush();
    expect(await count(schema)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/refused/), fields: { requestId: entry(2).requestId } });
    ledger.record(entry(4));
    await ledger.flush();
    expect(await count(schema)).toBe(3);
    await ledger.close();
  });

  it('reports spend by tag from the recorded tags — a request in each of its tags, one without any in the null group — and filters by a tag', async () => {
    const schema = freshSchema();
    const ledger = await PostgresLedger.open(options(schema), silentLogger);
    ledger.record({ ...entry(1), tags: ['feature:search', 'customer:acme'], costMicros: 20 });
    ledger.record({ ...entry(2), tags: ['customer:acme'], costMicros: 40 });
    ledger.record({ ...entry(3), tags: undefined, costMicros: 3 });
    await ledger.flush();
    const { rows } = await admin.query(`SELECT tags FROM ${schema}.tollgate_requests ORDER BY request_id`);
    expect(rows.map((row) => row.tags)).toEqual(['["feature:search","customer:acme"]', '["customer:acme"]', null]);
    const store = await PostgresGovernanceStore.open(options(schema), silentLogger, { migrated: true });
    const range = { from: 0, to: 2_000_000_000_000 };
    const byTag = await store.spend({ groupBy: 'tag', ...range });
    expect(byTag.map(({ group, requests, costMicros }) => ({ group, requests, costMicros }))).toEqual([
      { group: 'customer:acme', requests: 2, costMicros: 60 },
      { group: 'feature:search', requests: 1, costMicros: 20 },
      { group: null, requests: 1, costMicros: 3 },
    ]);
    const listed = await store.requests({ tag: 'customer:acme', limit: 10, ...range });
    expect(listed.map(({ requestId, startedAt, tags, costMicros, stream }) => ({ requestId, startedAt, tags, costMicros, stream }))).toEqual([
      { requestId: 'req-2', startedAt: 1_795_000_000_002, tags: ['customer:acme'], costMicros: 40, stream: entry(2).stream },
      { requestId: 'req-1', startedAt: 1_795_000_000_001, tags: ['feature:search', 'customer:acme'], costMicros: 20, stream: entry(1).stream },
    ]);
    expect(await store.requests({ limit: 1, ...range })).toHaveLength(1);
    const acme = await store.spend({ groupBy: 'team', tag: 'customer:acme', ...range });
    expect(acme.map(({ group, requests, costMicros }) => ({ group, requests, costMicros }))).toEqual([{ group: 'search', requests: 2, costMicros: 60 }]);
    await store.close();
    await ledger.close();
  });

  it('finds one request by its request id (any age) or its answer\'s id (since a given time), only the key\'s own when a key is named', async () => {
    const schema = freshSchema();
    const ledger = await PostgresLedger.open(options(schema), silentLogger);
    ledger.record(entry(1));
    ledger.record({ ...entry(2), keyId: 'key_other' });
    await ledger.flush();
    const store = await PostgresGovernanceStore.open(options(schema), silentLogger, { migrated: true });
    const found = await store.request({ id: 'req-1', answersSince: 1_795_000_000_005 });
    expect(found).toMatchObject({ requestId: 'req-1', responseId: 'chatcmpl-1', keyId: 'config:agent', costMicros: 1234, promptTokens: 10, startedAt: 1_795_000_000_001 });
    expect((await store.request({ id: 'chatcmpl-2', answersSince: 1_795_000_000_000 }))?.requestId).toBe('req-2');
    // An answer's id is looked for among recent requests only; a request id at any age.
    expect(await store.request({ id: 'chatcmpl-2', answersSince: 1_795_000_000_003 })).toBeUndefined();
    expect((await store.request({ id: 'chatcmpl-1', keyId: 'config:agent', answersSince: 0 }))?.requestId).toBe('req-1');
    expect(await store.request({ id: 'req-2', keyId: 'config:agent', answersSince: 0 })).toBeUndefined();
    expect(await store.request({ id: 'chatcmpl-2', keyId: 'config:agent', answersSince: 0 })).toBeUndefined();
    expect(await store.request({ id: 'req-9', answersSince: 0 })).toBeUndefined();
    await store.close();
    await ledger.close();
  });

  it('prunes the rows of requests before a time in chunks, and with retentionDays deletes the rows past it as it opens', async () => {
    const schema = freshSchema();
    const day = 86_400_000;
    const aged = (index: number, daysAgo: number) => ({ ...entry(index), startedAt: Date.now() - daysAgo * day });
    const ledger = await PostgresLedger.open(options(schema, { batchSize: 2_000 }), silentLogger);
    for (let index = 0; index < 11_000; index += 1) ledger.record(aged(index, 40));
    for (let index = 11_000; index < 11_010; index += 1) ledger.record(aged(index, 1));
    await ledger.flush();
    expect(await ledger.prune(Date.now() - 30 * day)).toBe(11_000);
    expect(await count(schema)).toBe(10);
    await ledger.close();

    const logged: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, info: (fields: Record<string, unknown>) => logged.push(fields), child: () => logger };
    const retained = await PostgresLedger.open(options(schema, { retentionDays: 0.5 }), logger as unknown as typeof silentLogger);
    // The count is logged once the last chunk's statement has answered.
    for (let attempt = 0; attempt < 100 && ((await count(schema)) > 0 || logged.length === 0); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count(schema)).toBe(0);
    expect(logged).toContainEqual({ deleted: 10, before: expect.stringMatching(/^\d{4}-/) });
    await retained.close();
  });

  it('keeps a virtual key\'s tags, changes them and clears them', async () => {
    const schema = freshSchema();
    const store = await PostgresGovernanceStore.open(options(schema), silentLogger);
    const key = { id: 'key_tags', hash: 'a'.repeat(64), hint: 'tg-abc…wxyz', alias: 'tagged', orgId: undefined, teamId: undefined, userId: undefined, models: undefined, expiresAt: undefined, status: 'active' as const, metadata: {}, tags: ['project:search', 'env:prod'], createdAt: 1 };
    await store.createKey(key);
    expect((await store.findKeyByHash(key.hash))?.tags).toEqual(['project:search', 'env:prod']);
    expect((await store.updateKey(key.id, { tags: ['project:indexing'] }))?.tags).toEqual(['project:indexing']);
    expect((await store.findKeyByHash(key.hash))?.tags).toEqual(['project:indexing']);
    await store.updateKey(key.id, { tags: null });
    expect((await store.findKeyByHash(key.hash))?.tags).toBeUndefined();
    await store.close();
  });

  it('keeps the models and rate limits of a team, replaces and clears them', async () => {
    const schema = freshSchema();
    const store = await PostgresGovernanceStore.open(options(schema), silentLogger);
    const team = { kind: 'team' as const, id: 'search', name: 'Search', parentId: undefined, metadata: {}, limits: { rpm: 60, parallel: 4 }, models: ['gpt-4o-mini', 'claude-*'], createdAt: 5 };
    expect(await store.putEntry(team)).toEqual(team);
    expect(await store.getEntry('team', 'search')).toEqual(team);
    await store.putEntry({ ...team, limits: { tpm: 100_000 }, models: undefined });
    expect(await store.listEntries('team')).toEqual([{ ...team, limits: { tpm: 100_000 }, models: undefined }]);
    const cleared = await store.putEntry({ ...team, limits: undefined, models: undefined });
    expect(cleared.limits).toBeUndefined();
    expect(cleared.models).toBeUndefined();
    await store.close();
  });

  it('fails to start with the database error when PostgreSQL cannot be reached, without the password', async () => {
    const unreachable = ledgerPostgresOptionsSchema.parse({ connectionString: 'postgres://tollgate:sk-secret-password@127.0.0.1:1/test' });
    const failure = await PostgresLedger.open(unreachable, silentLogger).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(failure) + String(failure)).not.toContain('sk-secret-password');
  });
});
