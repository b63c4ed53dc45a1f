import { DatabaseSync } from 'node:sqlite';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '@tollgate/core';
import type { RunningServer } from '../src/index.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import type { ErrorBody } from './support/error-body.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
const databasePath = await temporaryDatabasePath('tollgate-request-tags');
let server: RunningServer;

beforeAll(async () => {
  server = await startPricedGateway(logs, { claude, gpt }, { databasePath, flushIntervalMs: 10, keys: [{ key: 'sk-config-key-tagged-0000000001', name: 'nightly-eval', tags: ['env:eval'] }] });
});

afterAll(async () => {
  await server.close();
});

const openai = (tags?: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0, ...(tags === undefined ? {} : { defaultHeaders: { 'x-tollgate-tags': tags } }) });

async function admin(path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${masterKey}` } });
  expect(response.status, path).toBe(200);
  return response.headers.get('content-type')?.startsWith('text/csv') === true ? response.text() : response.json();
}

describe('request tags (x-tollgate-tags)', () => {
  it('are logged, recorded in the ledger, and spend is reported by tag — a request counted in each of its tags, the total once', async () => {
    // Costs: 10 + 2 × 5 = 20, 20 + 2 × 10 = 40, 30 + 2 × 15 = 60 micro-dollars, and an untagged 1 + 2 × 1 = 3.
    gpt.enqueue({ usage: { prompt_tokens: 10, completion_tokens: 5 } });
    const search = await openai('feature:search, customer:acme').chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'find it' }] }).withResponse();
    claude.enqueue({ usage: { input_tokens: 20, output_tokens: 10 } });
    const claudeCode = await new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0, defaultHeaders: { 'x-tollgate-tags': 'feature:coding,customer:acme' } })
      .messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'fix the bug' }] }).withResponse();
    gpt.enqueue({ usage: { prompt_tokens: 30, completion_tokens: 15 } });
    const completion = await openai('feature:autocomplete').completions.create({ model: 'llama', prompt: 'def f(' }).withResponse();
    gpt.enqueue({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
    await openai().chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'untagged' }] });

    const ids = [search, claudeCode, completion].map(({ response }) => response.headers.get('x-request-id'));
    expect((await logs.requestLine(ids[0]!)).tags).toEqual(['feature:search', 'customer:acme']);
    expect((await logs.requestLine(ids[2]!)).tags).toEqual(['feature:autocomplete']);
    await server.tollgate.gateway.engine.drain();
    await server.tollgate.gateway.resolve(Ledger)!.flush();
    const database = new DatabaseSync(databasePath, { readOnly: true });
    const rows = ids.map((id) => database.prepare('SELECT tags, cost_micros FROM tollgate_requests WHERE request_id = ?').get(id!));
    database.close();
    expect(rows).toEqual([
      { tags: '["feature:search","customer:acme"]', cost_micros: 20 },
      { tags: '["feature:coding","customer:acme"]', cost_micros: 40 },
      { tags: '["feature:autocomplete"]', cost_micros: 60 },
    ]);

    const byTag = await admin('/admin/spend?group_by=tag');
    expect(byTag.data.map(({ group, requests, cost_usd }: { group: string | null; requests: number; cost_usd: number }) => ({ group, requests, cost_usd }))).toEqual([
      { group: 'customer:acme', requests: 2, cost_usd: 0.00006 },
      { group: 'feature:autocomplete', requests: 1, cost_usd: 0.00006 },
      { group: 'feature:coding', requests: 1, cost_usd: 0.00004 },
      { group: 'feature:search', requests: 1, cost_usd: 0.00002 },
      { group: null, requests: 1, cost_usd: 0.000003 },
    ]);
    expect(byTag.total_cost_usd).toBe(0.000123);
    const acmeByModel = await admin('/admin/spend?group_by=model&tag=customer:acme');
    expect(acmeByModel.data.map(({ group, cost_usd }: { group: string; cost_usd: number }) => ({ group, cost_usd }))).toEqual([{ group: 'sonnet', cost_usd: 0.00004 }, { group: 'llama', cost_usd: 0.00002 }]);
    expect(acmeByModel.total_cost_usd).toBe(0.00006);
    // The requests themselves, newest first: ids and figures, never a key or a body.
    const acmeRequests = await admin('/admin/requests?tag=customer:acme');
    expect(acmeRequests.data.map(({ request_id, model, provider, status, prompt_tokens, cost_usd, tags }: Record<string, unknown>) => ({ request_id, model, provider, status, prompt_tokens, cost_usd, tags }))).toEqual([
      { request_id: ids[1], model: 'sonnet', provider: 'claude', status: 200, prompt_tokens: 20, cost_usd: 0.00004, tags: ['feature:coding', 'customer:acme'] },
      { request_id: ids[0], model: 'llama', provider: 'local', status: 200, prompt_tokens: 10, cost_usd: 0.00002, tags: ['feature:search', 'customer:acme'] },
    ]);
    expect(acmeRequests.data[0]).toMatchObject({ operation: 'chat', key_id: 'master', stream: false, finish_reason: 'stop', started_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect(JSON.stringify(acmeRequests)).not.toContain(masterKey);
    expect((await admin('/admin/requests?limit=1')).data).toHaveLength(1);
    const csv = await admin('/admin/spend?group_by=tag&tag=feature:coding&format=csv');
    // The requests tagged feature:coding, grouped by every tag they carry.
    expect(csv.split('\r\n').slice(1).filter(Boolean).sort()).toEqual(['customer:acme,1,0,20,10,0.00004,0,0', 'feature:coding,1,0,20,10,0.00004,0,0']);
  });

  it('start with the tags of the key — a virtual key\'s, set and changed through the admin API, or a config key\'s — then the client\'s', async () => {
    const adminPost = (path: string, body: object) => fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await adminPost('/admin/keys', { alias: 'search-agent', tags: ['project:search', 'cost-center:42'] });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; tags: string[] };
    expect(key.tags).toEqual(['project:search', 'cost-center:42']);
    const asKey = (secret: string, tags?: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: secret, maxRetries: 0, ...(tags === undefined ? {} : { defaultHeaders: { 'x-tollgate-tags': tags } }) });
    const ask = async (client: OpenAI) => (await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers.get('x-request-id');

    expect((await logs.requestLine(await ask(asKey(key.key, 'customer:acme, project:search')))).tags).toEqual(['project:search', 'cost-center:42', 'customer:acme']);
    expect((await logs.requestLine(await ask(asKey(key.key)))).tags).toEqual(['project:search', 'cost-center:42']);
    // The key sees its own tags.
    const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${key.key}` } }).then((response) => response.json())) as { data: { tags: string[] } };
    expect(info.data.tags).toEqual(['project:search', 'cost-center:42']);
    const updated = await adminPost('/admin/keys/update', { id: key.id, tags: ['project:indexing'] });
    expect(((await updated.json()) as { tags: string[] }).tags).toEqual(['project:indexing']);
    expect((await logs.requestLine(await ask(asKey(key.key)))).tags).toEqual(['project:indexing']);
    await adminPost('/admin/keys/update', { id: key.id, tags: null });
    expect((await logs.requestLine(await ask(asKey(key.key)))).tags).toBeUndefined();
    expect((await logs.requestLine(await ask(asKey('sk-config-key-tagged-0000000001', 'run:17')))).tags).toEqual(['env:eval', 'run:17']);

    const refused = await adminPost('/admin/keys', { alias: 'bad-tags', tags: ['has space'] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.message).toContain('a tag is 1 to 64 letters');
  });

  it('refuse a malformed list with 400 naming the header, before any upstream call; auth comes first', async () => {
    for (const tags of ['has space', 'ok,-bad', Array.from({ length: 11 }, (_, index) => `t${index}`).join(',')]) {
      const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', 'x-tollgate-tags': tags }, body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(response.status, tags).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'x-tollgate-tags' });
    }
    const stranger = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-nobody-00000000000000', 'content-type': 'application/json', 'x-tollgate-tags': 'has space' }, body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(stranger.status).toBe(401);
    expect(gpt.requests).toHaveLength(0);
  });
});
