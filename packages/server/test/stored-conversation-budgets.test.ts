import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// A Responses client that lets OpenAI keep the conversation (`previous_response_id`) sends only its new
// input: the stored part cannot be counted before the call. With `storedInputTokens` (the model's
// context window) a budget holds that many input tokens on top, instead of refusing the request.

const masterKey = 'sk-stored-conversation-master-1';
let mock: MockOpenAI;
let server: RunningServer;

async function budgetedClient(alias: string, limitUsd: number): Promise<{ client: OpenAI; keyId: string }> {
  const admin = async (path: string, body: object) => (await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ id: string; key: string }>;
  const created = await admin('/admin/keys', { alias });
  await admin('/admin/budgets', { scope: 'key', id: created.id, limit_usd: limitUsd, period: 'daily' });
  return { client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: created.key, maxRetries: 0 }), keyId: created.id };
}

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-stored-conversation',
    [
      // $1 per million input tokens, $2 per million output tokens.
      { name: '@tollgate/pricing', options: { overrides: { 'native/gpt-4o-mini': { input: 1, output: 2 } } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 200, budgetLeaseRequests: 0, storedInputTokens: 100_000 } },
    ],
    (upstream) => ({
      auth: { masterKey },
      providers: { native: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000', responsesAPI: true } },
      models: { 'native-mini': { target: 'native/gpt-4o-mini' } },
    }),
  ));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

describe('a budgeted request that continues a conversation the upstream stores, with storedInputTokens', () => {
  it('holds the stored input at the input price: refused where it does not fit, answered and charged what OpenAI reports where it does', async () => {
    const first = await (await budgetedClient('stateful-start', 5)).client.responses.create({ model: 'native-mini', input: 'Start.' });
    const turn = { model: 'native-mini', previous_response_id: first.id, input: 'And then?', max_output_tokens: 1_000 };

    // 100,000 stored tokens at $1 per million and 1,000 output tokens at $2: over $0.102, past $0.05.
    const tight = await budgetedClient('stateful-tight', 0.05);
    const sent = mock.requests.length;
    const refused = await tight.client.responses.create(turn).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.102\d/);
    expect(mock.requests).toHaveLength(sent);

    const roomy = await budgetedClient('stateful-roomy', 1);
    mock.enqueue({ content: 'Then.', usage: { prompt_tokens: 50_000, completion_tokens: 20 } });
    await expect(roomy.client.responses.create(turn)).resolves.toMatchObject({ output_text: 'Then.' });
    expect(mock.requests.at(-1)!.body).toMatchObject({ previous_response_id: first.id, input: 'And then?' });
    await server.tollgate.gateway.engine.drain();
    const budget = (await fetch(`${server.url}/admin/budgets?scope=key&id=${roomy.keyId}`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json())) as { spent_usd: number; reserved_usd: number };
    // 50,000 × $1 + 20 × $2 per million: what OpenAI reported, the stored conversation's tokens included.
    expect(budget).toMatchObject({ spent_usd: 0.05004, reserved_usd: 0 });
  });
});
