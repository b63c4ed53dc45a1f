import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { serverPackageDirectory } from './support/start-test-gateway.js';

// The real PostgreSQL of the machine and CI (trust auth, database `test`).
const connectionString = process.env.TOLLGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `tollgate_server_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const admin = new pg.Pool({ connectionString, max: 1 });
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('the PostgreSQL ledger in a running gateway', () => {
  it('records every request exactly once — refused ones too — and close drains a stream in flight', async () => {
    const masterKey = 'sk-ledger-pg-master-0001';
    const server = await startServer({
      cwd: serverPackageDirectory,
      port: 0,
      logger: (await import('pino')).pino({ enabled: false }),
      config: {
        plugins: ['@tollgate/provider-echo', { name: '@tollgate/ledger-postgres', options: { connectionString, schema, flushIntervalMs: 60_000 } }],
        auth: { masterKey },
        providers: { echo: { type: 'echo', chunkDelayMs: 30 } },
        models: { echo: { target: 'echo/echo-1' } },
      },
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, index) => client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `hello ${index}` }] })));
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong-key-0000000000', maxRetries: 0 }).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] });
    let closed: Promise<void> | undefined;
    for await (const _chunk of stream) closed ??= server.close();
    await closed;

    const { rows } = await admin.query(`SELECT model, status, error_code, stream, completion_tokens FROM ${schema}.tollgate_requests ORDER BY id`);
    expect(rows).toHaveLength(23);
    expect(rows.filter((row) => row.status === 200)).toHaveLength(21);
    expect(rows.find((row) => row.status === 404)).toMatchObject({ model: 'nope', error_code: 'TOLLGATE_MODEL_NOT_FOUND' });
    expect(rows.find((row) => row.status === 401)).toMatchObject({ error_code: 'TOLLGATE_INVALID_API_KEY' });
    expect(rows.at(-1)).toMatchObject({ stream: true, status: 200, completion_tokens: 6 });
  });
});
