import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPackageDirectory } from './support/start-test-gateway.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-ledger-cli-'));
  await symlink(join(serverPackageDirectory, 'node_modules'), join(folder, 'node_modules'));
  await writeFile(
    join(folder, 'tollgate.config.yaml'),
    [
      'plugins: ["@tollgate/provider-echo", { name: "@tollgate/ledger-sqlite", options: { path: "./ledger.sqlite", flushIntervalMs: 60000 } }]',
      'auth: { masterKey: sk-ledger-test-master-01 }',
      'providers: { echo: { type: echo, chunkDelayMs: 30 } }',
      'models: { echo: { target: echo/echo-1 } }',
    ].join('\n'),
  );
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('the SQLite ledger in a running gateway', () => {
  it('records every request exactly once — refused ones too, with or without a model — and SIGTERM drains what is buffered', async () => {
    const child = spawn(process.execPath, [join(serverPackageDirectory, 'dist/cli.js'), 'start', '--port', '0'], { cwd: folder });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stderr.on('data', (data: Buffer) => {
        output += data;
        const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-ledger-test-master-01', maxRetries: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, index) => client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `hello ${index}` }] })));
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-wrong-key-0000000000', maxRetries: 0 }).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    // Refused at auth before their bodies were validated: no model, and a model that is not a string.
    // Each is recorded with an empty model, and neither keeps the others out of the ledger.
    for (const body of ['{}', '{"model":{"name":"echo"},"messages":[]}']) {
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(401);
    }
    // A stream still running when SIGTERM arrives is finished, then recorded.
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let signalled = false;
    for await (const _chunk of stream) {
      if (!signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
    }
    expect(await exited).toBe(0);

    const database = new DatabaseSync(join(folder, 'ledger.sqlite'), { readOnly: true });
    const rows = database.prepare('SELECT model, status, error_code, stream, prompt_tokens, completion_tokens, latency_ms, attempts FROM tollgate_requests ORDER BY id').all() as Record<string, unknown>[];
    database.close();
    expect(rows).toHaveLength(25);
    expect(rows.filter((row) => row.status === 200)).toHaveLength(21);
    expect(rows.find((row) => row.status === 404)).toMatchObject({ model: 'nope', error_code: 'TOLLGATE_MODEL_NOT_FOUND' });
    expect(rows.find((row) => row.status === 401)).toMatchObject({ model: 'echo', error_code: 'TOLLGATE_INVALID_API_KEY' });
    expect(rows.filter((row) => row.status === 401 && row.model === '')).toHaveLength(2);
    expect(rows.at(-1)).toMatchObject({ stream: 1, status: 200, completion_tokens: 6 });
    // Latencies in milliseconds to two decimals, the request's and each upstream attempt's; the stream's
    // six chunks came 30 ms apart (150 ms; timers may fire a little early).
    const hundredths = (milliseconds: number) => Math.round(milliseconds * 100) / 100;
    for (const row of rows) {
      expect(row.latency_ms).toBe(hundredths(row.latency_ms as number));
      for (const attempt of JSON.parse(row.attempts as string) as { latencyMs?: number }[]) expect(attempt.latencyMs).toBe(hundredths(attempt.latencyMs!));
    }
    expect(rows.at(-1)!.latency_ms).toBeGreaterThanOrEqual(100);
    expect(JSON.parse(rows.at(-1)!.attempts as string)).toEqual([{ target: 'echo/echo-1', status: 200, latencyMs: expect.any(Number) }]);
  });
});
