import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPackageDirectory, startCliInstance } from './support/start-test-gateway.js';

// What a ledger loses when its process is killed with SIGKILL: the rows still buffered in memory,
// at most the requests finished in the last `flushIntervalMs` (documented in the ledgers' READMEs).
const connectionString = process.env.TOLLGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `tollgate_kill_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const masterKey = 'sk-ledger-kill-master-0001';
const flushIntervalMs = 200;
const admin = new pg.Pool({ connectionString, max: 1 });
const started: ChildProcess[] = [];
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-ledger-kill-'));
  await symlink(join(serverPackageDirectory, 'node_modules'), join(folder, 'node_modules'));
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await rm(folder, { recursive: true, force: true });
});

async function start(config: object, file: string): Promise<{ child: ChildProcess; url: string }> {
  await writeFile(join(folder, file), JSON.stringify(config));
  const instance = await startCliInstance(folder, ['--config', file]);
  started.push(instance.child);
  return instance;
}

/**
 * Sends requests 8 at a time until `killAfterMs`, kills the process with SIGKILL, and returns when each
 * success finished. Every 200 counts, also one read after the kill: the process wrote it before it died,
 * so its row may be in the ledger (counting only earlier ones made "lost" negative on a busy machine).
 */
async function loadThenKill(url: string, child: ChildProcess, killAfterMs: number): Promise<{ succeeded: number[]; killedAt: number }> {
  const succeeded: number[] = [];
  const until = Date.now() + killAfterMs;
  let killedAt = 0;
  const worker = async () => {
    for (let sent = 0; sent < 10_000 && Date.now() < until; sent += 1) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'count me' }] }),
      }).catch(() => undefined);
      if (response?.status === 200) succeeded.push(Date.now());
      await response?.body?.cancel();
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  // Listen before killing: the exit event may fire while the workers are still finishing.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killedAt = Date.now();
  child.kill('SIGKILL');
  await Promise.all(workers);
  await exited;
  return { succeeded, killedAt };
}

const base = { auth: { masterKey }, logging: { requests: false }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } };

describe('a ledger killed with SIGKILL', () => {
  for (const ledger of ['sqlite', 'postgres'] as const) {
    it(`${ledger}: loses at most the requests of its last flush interval`, async () => {
      const path = join(folder, 'kill.sqlite');
      const plugin = ledger === 'sqlite' ? { name: '@tollgate/ledger-sqlite', options: { path, flushIntervalMs } } : { name: '@tollgate/ledger-postgres', options: { connectionString, schema, flushIntervalMs } };
      const { child, url } = await start({ ...base, plugins: ['@tollgate/provider-echo', plugin] }, `${ledger}.json`);
      const { succeeded, killedAt } = await loadThenKill(url, child, 1_500);
      let rows: number;
      if (ledger === 'sqlite') {
        const database = new DatabaseSync(path);
        rows = (database.prepare('SELECT COUNT(*) AS count FROM tollgate_requests WHERE status = 200').get() as { count: number }).count;
        database.close();
      } else {
        rows = (await admin.query(`SELECT COUNT(*)::int AS count FROM ${schema}.tollgate_requests WHERE status = 200`)).rows[0].count;
      }
      const lost = succeeded.length - rows;
      // Requests answered in the last flush interval (plus one for a write in flight) may be lost.
      const window = succeeded.filter((at) => at > killedAt - 2 * flushIntervalMs).length;
      console.log(`kill -9 (${ledger} ledger, flushIntervalMs ${flushIntervalMs}): ${succeeded.length} answered, ${rows} recorded, ${lost} lost; ${window} answered in the last ${2 * flushIntervalMs} ms`);
      expect(succeeded.length).toBeGreaterThan(100);
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(lost).toBeLessThanOrEqual(window);
    });
  }
});
