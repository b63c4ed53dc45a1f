import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { masterKey, providerKey, startTestGateway, temporaryDatabasePath, type TestGateway } from './support/start-test-gateway.js';

const budgetedKey = 'sk-reasoning-budgeted-key-0001';
let gateway: TestGateway;
beforeAll(async () => {
  const databasePath = await temporaryDatabasePath('tollgate-reasoning');
  gateway = await startTestGateway((mock) => ({
    plugins: [
      '@tollgate/provider-openai',
      { name: '@tollgate/ledger-sqlite', options: { path: databasePath } },
      { name: '@tollgate/pricing', options: { overrides: { 'openai/o3-mini': { input: 1.1, output: 4.4 }, 'openai/gpt-4o-mini': { input: 0.15, output: 0.6 } } } },
      { name: '@tollgate/governance', options: { budgets: [{ scope: 'team', id: 'reasoners', limitUsd: 100, period: 'none' }] } },
    ],
    auth: { masterKey, keys: [{ key: budgetedKey, name: 'reasoner', team: 'reasoners' }] },
    // OpenAI's own API (its price provider), on the mock: it refuses max_tokens for reasoning models, as OpenAI does.
    providers: { openai: { type: 'openai', baseURL: mock.baseURL, apiKey: providerKey, priceProvider: 'openai' } },
    models: { 'o3-mini': { target: 'openai/o3-mini' }, 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
  }));
});
afterAll(() => gateway.close());
beforeEach(() => gateway.mock.reset());

describe('OpenAI reasoning models, which refuse max_tokens', () => {
  it('get a client\'s max_tokens as max_completion_tokens', async () => {
    const answer = await gateway.client.chat.completions.create({ model: 'o3-mini', max_tokens: 100, messages: [{ role: 'user', content: 'think' }] });
    expect(answer.choices[0]?.message.content).toContain('Mock answer');
    const sent = gateway.mock.requests[0]!.body as Record<string, unknown>;
    expect(sent.max_completion_tokens).toBe(100);
    expect(sent).not.toHaveProperty('max_tokens');
  });

  it('get the limit a budget adds as max_completion_tokens too, JSON and streamed', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: budgetedKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'o3-mini', messages: [{ role: 'user', content: 'think' }] });
    const stream = await client.chat.completions.create({ model: 'o3-mini', stream: true, messages: [{ role: 'user', content: 'think' }] });
    for await (const _chunk of stream) void _chunk;
    for (const request of gateway.mock.requests) {
      expect(request.body).toMatchObject({ max_completion_tokens: 4_096 });
      expect(request.body).not.toHaveProperty('max_tokens');
    }
  });

  it('leave other models\' bytes as the client sent them', async () => {
    const body = '{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"plain"}]}';
    expect((await gateway.post('/v1/chat/completions', body)).status).toBe(200);
    expect(gateway.mock.requests[0]!.bodyText).toBe(body);
  });
});
