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
    models: {
      pair: { targets: [{ target: 'local/llama-3.3-70b', maxRetries: 0 }, 'claude/claude-sonnet-4-5'], cooldown: { failures: 1, cooldownMs: 60_000 } },
      // A deployment with a quota of one request a minute, then Claude.
      quota: { targets: [{ target: 'local/llama-3.1-8b', rpm: 1, tpm: 10_000 }, 'claude/claude-sonnet-4-5'] },
    },
    prices: { 'local/llama-3.1-8b': { input: 1, output: 2 } },
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

  it('lists the targets with a quota and what the last minute used of it (GET /admin/quotas), on the Upstreams view too', async () => {
    expect((await admin('/admin/quotas')).json.data).toEqual([{ target: 'local/llama-3.1-8b', provider: 'local', rpm: 1, requests_last_minute: 0, tpm: 10_000, tokens_last_minute: 0, at_quota: false }]);
    gpt.enqueue({ usage: { prompt_tokens: 30, completion_tokens: 12 } });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'quota', messages: [{ role: 'user', content: 'hi' }] });
    const { response } = await client.chat.completions.create({ model: 'quota', messages: [{ role: 'user', content: 'again' }] }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('claude');
    expect((await admin('/admin/quotas')).json.data).toEqual([{ target: 'local/llama-3.1-8b', provider: 'local', rpm: 1, requests_last_minute: 1, tpm: 10_000, tokens_last_minute: 42, at_quota: true }]);
    const page = await openAdminPage(`${server.url}/admin/ui/`, masterKey);
    click(page, '#tabs button[data-view="circuits"]');
    await until(page, () => rowsOf(page, 'quotas-table').length === 1);
    expect(rowsOf(page, 'quotas-table')[0]).toEqual(['local/llama-3.1-8b', '1 of 1', '42 of 10,000', 'at quota: skipped']);
  });
});
