import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { adminClient } from './support/admin-client.js';
import { click, openAdminPage, rowsOf, until } from './support/admin-page.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

// In an incident the first question is which upstreams the gateway is skipping: GET /admin/circuits.

const { claude, gpt } = await startClaudeAndGptMocks();
let server: RunningServer;
const { admin } = adminClient(() => server, masterKey);

beforeAll(async () => {
  server = await startPricedGateway(new LogCapture(), { claude, gpt }, {
    databasePath: await temporaryDatabasePath('tollgate-admin-circuits'),
    flushIntervalMs: 20,
    // A group whose first target's circuit opens after one failure, for a minute.
    models: { pair: { targets: [{ target: 'local/llama-3.3-70b', maxRetries: 0 }, 'claude/claude-sonnet-4-5'], cooldown: { failures: 1, cooldownMs: 60_000 } } },
  });
});

afterAll(async () => {
  await server.close();
});

describe('GET /admin/circuits, and the admin pages\' Upstreams view', () => {
  it('lists the targets the circuit breakers skip now, and nothing while every target is healthy', async () => {
    expect((await admin('/admin/circuits')).json).toEqual({ object: 'list', data: [] });
    const page = await openAdminPage(`${server.url}/admin/ui/`, masterKey);
    click(page, '#tabs button[data-view="circuits"]');
    await until(page, () => page.document.querySelector('#circuits-table .empty') !== null);
    expect(page.document.querySelector('#circuits-table .empty')!.textContent).toBe('Every upstream is healthy.');

    gpt.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'pair', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('claude');
    const { status, json } = await admin('/admin/circuits');
    expect(status).toBe(200);
    expect(json.data).toEqual([{ target: 'local/llama-3.3-70b', provider: 'local', state: 'open', reopens_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) }]);
    expect(Date.parse(json.data[0].reopens_at) - Date.now()).toBeGreaterThan(50_000);
    click(page, '#tabs button[data-view="circuits"]');
    await until(page, () => rowsOf(page, 'circuits-table').length === 1);
    expect(rowsOf(page, 'circuits-table')[0]!.slice(0, 3)).toEqual(['local/llama-3.3-70b', 'local', 'open']);
    // Skipped while it cools down: the next request goes straight to Claude.
    await client.chat.completions.create({ model: 'pair', messages: [{ role: 'user', content: 'again' }] });
    expect(gpt.requests).toHaveLength(1);
    // The master key only.
    const key = (await admin('/admin/keys', { alias: 'not-admin' })).json.key as string;
    expect((await fetch(`${server.url}/admin/circuits`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
  });
});
