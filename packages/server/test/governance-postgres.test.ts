import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import { serverPackageDirectory, startCliInstance } from './support/start-test-gateway.js';

// Two `tollgate start` processes sharing the machine's real PostgreSQL (trust auth, database `test`)
// and Redis.
const connectionString = process.env.TOLLGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `tollgate_governance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const masterKey = 'sk-governance-pg-master-0001';
const reservationTtlMs = 2_000;
const admin = new pg.Pool({ connectionString, max: 2 });
const started: ChildProcess[] = [];
let folder: string;
let mock: MockOpenAI;
let instances: [{ child: ChildProcess; url: string }, { child: ChildProcess; url: string }];

async function startInstance(): Promise<{ child: ChildProcess; url: string }> {
  const instance = await startCliInstance(folder, ['--config', 'tollgate.config.json']);
  started.push(instance.child);
  return instance;
}

async function adminCall(url: string, path: string, body?: object): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${masterKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

const ask = (client: OpenAI, content: string) => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content }] });

beforeAll(async () => {
  mock = await createMockOpenAI();
  folder = await mkdtemp(join(tmpdir(), 'tollgate-governance-pg-'));
  await symlink(join(serverPackageDirectory, 'node_modules'), join(folder, 'node_modules'));
  await writeFile(
    join(folder, 'tollgate.config.json'),
    JSON.stringify({
      plugins: [
        '@tollgate/provider-openai',
        { name: '@tollgate/ledger-postgres', options: { connectionString, schema, flushIntervalMs: 50 } },
        { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 100, output: 200 } } } },
        { name: '@tollgate/limits-redis', options: { url: redisUrl, prefix: `${schema}:` } },
        { name: '@tollgate/governance', options: { reservationTtlMs, rateLimits: [{ scope: 'team', id: 'team-rpm', rpm: 10 }] } },
      ],
      auth: { masterKey },
      logging: { requests: false },
      providers: { openai: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-000000000000' } },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    }),
  );
  instances = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(started.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await mock?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('governance across two gateway processes sharing PostgreSQL and Redis', () => {
  it('holds a $0.05 team budget under 200 concurrent requests split across both instances', async () => {
    const [a, b] = instances;
    const team = 'team-shared';
    const key = await adminCall(a.url, '/admin/keys', { alias: 'shared-agent', team_id: team });
    await adminCall(b.url, '/admin/budgets', { scope: 'team', id: team, limit_usd: 0.05 });
    const clients = [a, b].map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: key.key, maxRetries: 0 }));
    const before = mock.requests.length;

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        ask(clients[index % 2]!, `Say hello number ${index}`)
          .then(() => 'ok' as const)
          .catch((error: { status?: number; code?: string }) => error),
      ),
    );
    const succeeded = outcomes.filter((outcome) => outcome === 'ok').length;
    const rejected = outcomes.filter((outcome) => outcome !== 'ok');
    for (const error of rejected) expect(error).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect(succeeded).toBeGreaterThan(0);
    expect(mock.requests.length - before).toBe(succeeded);

    // Both ledgers write every 50 ms; wait (bounded) until all 200 rows are in.
    let rows: { status: number; cost_micros: string | null }[] = [];
    for (let attempt = 0; attempt < 50 && rows.length < 200; attempt += 1) {
      await sleep(100);
      rows = (await admin.query(`SELECT status, cost_micros FROM ${schema}.tollgate_requests WHERE team_id = $1`, [team])).rows;
    }
    const spentMicros = rows.reduce((sum, row) => sum + Number(row.cost_micros ?? 0), 0);
    const budget = (await admin.query(`SELECT spent_micros, reserved_micros FROM ${schema}.tollgate_budgets WHERE scope = 'team' AND subject_id = $1`, [team])).rows[0];
    const holds = (await admin.query(`SELECT COUNT(*)::int AS count FROM ${schema}.tollgate_reservations`)).rows[0].count;
    console.log(`budget concurrency (2 processes, PostgreSQL): 200 sent, ${succeeded} succeeded, ${rejected.length} rejected, spend $${(spentMicros / 1e6).toFixed(6)} of $0.05, ${holds} holds left`);
    expect(rows).toHaveLength(200);
    expect(rows.filter((row) => row.status === 200)).toHaveLength(succeeded);
    expect(spentMicros).toBeLessThanOrEqual(50_000);
    expect(Number(budget.spent_micros)).toBe(spentMicros);
    expect(Number(budget.reserved_micros)).toBe(0);
    expect(holds).toBe(0);

    // The spend report and the audit log read the same shared database from either instance.
    const report = await adminCall(b.url, `/admin/spend?group_by=team&team_id=${team}`);
    expect(report.data).toEqual([expect.objectContaining({ group: team, requests: 200, errors: rejected.length, cost_usd: spentMicros / 1e6 })]);
    const audit = await adminCall(a.url, '/admin/audit?limit=2');
    expect(audit.data.map((entry: { action: string }) => entry.action)).toEqual(['budget.set', 'key.create']);
  });

  it('admits exactly 10 requests of a team limited to 10 per minute across both instances', async () => {
    const [a, b] = instances;
    const key = await adminCall(a.url, '/admin/keys', { alias: 'rpm-agent', team_id: 'team-rpm' });
    const clients = [a, b].map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: key.key, maxRetries: 0 }));
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        ask(clients[index % 2]!, `rate limited ${index}`)
          .then(() => 'ok' as const)
          .catch((error: { status?: number; code?: string }) => error),
      ),
    );
    const admitted = outcomes.filter((outcome) => outcome === 'ok').length;
    console.log(`rate limit (2 processes, Redis): 30 sent, ${admitted} admitted under rpm 10`);
    expect(admitted).toBe(10);
    for (const outcome of outcomes.filter((outcome) => outcome !== 'ok')) expect(outcome).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('stops a key revoked on one instance on the other within a second', async () => {
    const [a, b] = instances;
    const key = await adminCall(a.url, '/admin/keys', { alias: 'revoked-elsewhere' });
    const onB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: key.key, maxRetries: 0 });
    await ask(onB, 'warm the key cache');
    await adminCall(a.url, '/admin/keys/revoke', { id: key.id });
    await sleep(1_000);
    await expect(ask(onB, 'still there?')).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('shares key rotation and the directory of orgs, teams and users between instances', async () => {
    const [a, b] = instances;
    await adminCall(a.url, '/admin/orgs', { id: 'org-shared' });
    await adminCall(a.url, '/admin/teams', { id: 'team-directory', org_id: 'org-shared' });
    expect((await adminCall(b.url, '/admin/teams?org_id=org-shared')).data).toEqual([expect.objectContaining({ id: 'team-directory', org_id: 'org-shared' })]);
    const key = await adminCall(b.url, '/admin/keys', { alias: 'rotating', team_id: 'team-directory' });
    expect(key.org_id).toBe('org-shared');
    const onA = (secret: string) => new OpenAI({ baseURL: `${a.url}/v1`, apiKey: secret, maxRetries: 0 });
    await ask(onA(key.key), 'before rotation');
    const rotated = await adminCall(b.url, '/admin/keys/rotate', { id: key.id });
    await sleep(1_000);
    await expect(ask(onA(key.key), 'old secret')).rejects.toMatchObject({ status: 401 });
    await expect(ask(onA(rotated.key), 'new secret')).resolves.toBeDefined();
  });

  it('frees the holds of an instance killed with SIGKILL once they lapse', async () => {
    const [a, b] = instances;
    const team = 'team-crash';
    const key = await adminCall(a.url, '/admin/keys', { alias: 'crash-agent', team_id: team });
    // Room for one worst case (about $0.0053) and not two.
    await adminCall(a.url, '/admin/budgets', { scope: 'team', id: team, limit_usd: 0.01 });
    const onA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: key.key, maxRetries: 0 });
    const onB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: key.key, maxRetries: 0 });
    mock.enqueue({ delayMs: 30_000 });
    const before = mock.requests.length;
    const doomed = ask(onB, 'this instance will crash').catch((error: unknown) => error);
    expect(await mock.waitFor((m) => m.requests.length > before, 5_000)).toBe(true);
    b.child.kill('SIGKILL');
    await doomed;

    await expect(ask(onA, 'blocked by the dead hold')).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    await sleep(reservationTtlMs + 200);
    await expect(ask(onA, 'the hold has lapsed')).resolves.toBeDefined();
  });
});
