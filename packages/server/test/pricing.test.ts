import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

let mock: MockOpenAI;
let server: RunningServer;
let client: OpenAI;
let folder: string;
const logs = new LogCapture();

beforeAll(async () => {
  mock = await createMockOpenAI();
  folder = await mkdtemp(join(tmpdir(), 'tollgate-pricing-'));
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      { name: '@tollgate/pricing', options: { overrides: { 'gpu-box/llama-3.3-70b': { input: 0.2, output: 0.6 } } } },
      { name: '@tollgate/ledger-sqlite', options: { path: join(folder, 'ledger.sqlite'), flushIntervalMs: 10 } },
    ],
    // A key that may call the `resilient` group only.
    auth: { masterKey, keys: [{ key: 'sk-pricing-limited-0000001', name: 'limited', models: ['resilient'] }] },
    providers: {
      // The mock stands in for api.openai.com: priced as OpenAI.
      openai: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-test-upstream-000000', priceProvider: 'openai' },
      'gpu-box': { type: 'openai', baseURL: mock.baseURL },
    },
    models: {
      'gpt-4o': { target: 'openai/gpt-4o' },
      llama: { target: 'gpu-box/llama-3.3-70b' },
      finetune: { target: 'gpu-box/my-finetune' },
      cheapest: { strategy: 'lowest-cost', targets: ['openai/gpt-4o', 'openai/gpt-4o-mini'] },
      // In order: GPT-4o ($2.50/$10), the team's Llama ($0.20/$0.60), GPT-4o mini ($0.15/$0.60).
      resilient: { targets: ['openai/gpt-4o', 'gpu-box/llama-3.3-70b', 'openai/gpt-4o-mini'] },
    },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await mock.close();
  await rm(folder, { recursive: true, force: true });
});

function costs(): Record<string, number | null> {
  const database = new DatabaseSync(join(folder, 'ledger.sqlite'), { readOnly: true });
  const rows = database.prepare('SELECT request_id, cost_micros FROM tollgate_requests').all() as { request_id: string; cost_micros: number | null }[];
  database.close();
  return Object.fromEntries(rows.map((row) => [row.request_id, row.cost_micros]));
}

async function ask(model: string): Promise<string> {
  const { response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'price me' }] }).withResponse();
  return response.headers.get('x-request-id')!;
}

describe('costs in the ledger', () => {
  it('prices from the table, from overrides, from the provider’s own usage.cost, and records unknown as NULL', async () => {
    mock.enqueue({ usage: { prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 200 } });
    const table = await ask('gpt-4o');
    mock.enqueue({ usage: { prompt_tokens: 10_000, completion_tokens: 1_000 } });
    const override = await ask('llama');
    mock.enqueue({ body: { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, cost: 0.001234 } } });
    const reported = await ask('gpt-4o');
    const unknown = await ask('finetune');
    await server.tollgate.gateway.engine.drain();
    await server.tollgate.gateway.resolve((await import('@tollgate/core')).Ledger)!.flush();
    const recorded = costs();
    expect(recorded[table]).toBe(7250); // 800 × $2.50 + 200 × $1.25 + 500 × $10 per million
    expect(recorded[override]).toBe(2600); // 10,000 × $0.20 + 1,000 × $0.60 per million
    expect(recorded[reported]).toBe(1234); // the provider's figure wins
    expect(recorded[unknown]).toBeNull();
    // Said at startup, so the operator can price it before a request records an unknown cost.
    expect(logs.lines.find((line) => line.level === 40 && String(line.msg).startsWith('no known price for'))).toMatchObject({ targets: ['gpu-box/my-finetune'] });
    expect(logs.lines.filter((line) => String(line.msg).includes('no price for "gpu-box/my-finetune"'))).toHaveLength(1);
  });

  it('orders a lowest-cost group by the table when the config gives no prices', async () => {
    mock.reset();
    await ask('cheapest');
    expect(mock.requests[0]?.body.model).toBe('gpt-4o-mini');
  });

  it("orders a group by price for one request named with OpenRouter's `:floor`, for a key that may call the group", async () => {
    mock.reset();
    await ask('resilient');
    await ask('resilient:floor');
    expect(mock.requests.map((request) => request.body.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    const limited = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-pricing-limited-0000001', maxRetries: 0 });
    const floor = await limited.chat.completions.create({ model: 'resilient:floor', messages: [{ role: 'user', content: 'cheap please' }] }).withResponse();
    expect(floor.response.headers.get('x-tollgate-provider')).toBe('openai');
    expect(mock.requests[2]?.body.model).toBe('gpt-4o-mini');
    // `:nitro` routes too (by time to first byte); a suffix Tollgate does not know is no group.
    await expect(limited.chat.completions.create({ model: 'resilient:nitro', messages: [{ role: 'user', content: 'fast please' }] })).resolves.toBeDefined();
    await expect(limited.chat.completions.create({ model: 'resilient:cheap', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403 });
    await expect(limited.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    await expect(client.chat.completions.create({ model: 'resilient:cheap', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it("applies OpenRouter's `provider` preferences to the group's own targets: order, sort, ignore, only, max_price, allow_fallbacks", async () => {
    // In the group's order: GPT-4o ($2.50/$10), the team's Llama ($0.20/$0.60), GPT-4o mini ($0.15/$0.60).
    const firstTried = async (provider: unknown) => {
      mock.reset();
      await client.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'route me' }], provider } as never);
      return mock.requests[0]?.body.model;
    };
    expect(await firstTried({ order: ['gpu-box'] })).toBe('llama-3.3-70b');
    expect(await firstTried({ sort: 'price' })).toBe('gpt-4o-mini');
    expect(await firstTried({ ignore: ['OpenAI'] })).toBe('llama-3.3-70b');
    // `max_price` in USD per million tokens: GPT-4o's $2.50 input is out.
    expect(await firstTried({ only: ['openai'], max_price: { prompt: 1 } })).toBe('gpt-4o-mini');
    // A name no target of the group answers to (one of OpenRouter's own) leaves the group as it is.
    expect(await firstTried({ order: ['deepinfra'] })).toBe('gpt-4o');

    // Without fallbacks, a failing first target is the answer: the rest are never tried.
    mock.reset();
    for (let index = 0; index < 3; index += 1) mock.enqueue({ status: 500, error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
    const unavailable = await client.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'x' }], provider: { allow_fallbacks: false } } as never).catch((error: unknown) => error);
    expect(unavailable).toMatchObject({ status: 500 });
    expect(new Set(mock.requests.map((request) => request.body.model))).toEqual(new Set(['gpt-4o']));

    // Preferences no target meets, or of the wrong shape, are refused before any call.
    mock.reset();
    const refusals: [unknown, number, string][] = [
      [{ only: ['deepinfra'] }, 404, 'provider'],
      [{ sort: 'fastest' }, 400, 'provider.sort'],
      [{ order: 'openai' }, 400, 'provider.order'],
      ['openai', 400, 'provider'],
    ];
    for (const [provider, status, param] of refusals) {
      const refused = (await client.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'x' }], provider } as never).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(refused, JSON.stringify(provider)).toMatchObject({ status, param });
    }
    expect(mock.requests).toHaveLength(0);
  });
});
