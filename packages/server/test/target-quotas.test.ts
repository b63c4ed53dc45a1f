import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { masterKey, startQuietServer } from './support/start-test-gateway.js';

// LiteLLM's deployment `rpm`/`tpm`: two Azure deployments of one model, each with its own quota a
// minute. A deployment that has used its quota would answer 429; the gateway sends the request to the
// next one instead, and answers 429 itself (with retry-after) only when every one has.

let mock: MockOpenAI;
let server: RunningServer;

beforeAll(async () => {
  mock = await createMockOpenAI();
  server = await startQuietServer({
    plugins: ['@tollgate/provider-openai'],
    auth: { masterKey },
    providers: {
      east: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-east-000000000' },
      west: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-west-000000000' },
    },
    models: {
      'gpt-4o': { targets: [{ target: 'east/gpt-4o', rpm: 2 }, { target: 'west/gpt-4o', rpm: 1 }] },
      'gpt-4o-mini': { targets: [{ target: 'east/gpt-4o-mini', tpm: 100 }, 'west/gpt-4o-mini'] },
      // LiteLLM's usage-based routing: deployments of different TPM filled in proportion; without quotas, evenly.
      'gpt-4.1': { strategy: 'usage-based', targets: [{ target: 'east/gpt-4.1', tpm: 1_000 }, { target: 'west/gpt-4.1', tpm: 300 }] },
      'gpt-4.1-mini': { strategy: 'usage-based', targets: ['east/gpt-4.1-mini', 'west/gpt-4.1-mini'] },
      'o4-mini': { targets: [{ target: 'east/o4-mini', tpm: 1_000 }, 'west/o4-mini'] },
      o3: { targets: [{ target: 'east/o3', tpm: 100 }, 'west/o3'] },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

beforeEach(() => mock.reset());

const ask = (model: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();

describe('a target quota per minute (rpm, tpm)', () => {
  it('sends a request past a target\'s rpm to the next target, and answers 429 with retry-after once every target has used its quota', async () => {
    const providers = [];
    for (let index = 0; index < 3; index += 1) providers.push((await ask('gpt-4o')).response.headers.get('x-tollgate-provider'));
    expect(providers).toEqual(['east', 'east', 'west']);
    // Each went upstream once: no upstream was sent a request past its quota.
    expect(mock.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-upstream-east-000000000', 'Bearer sk-upstream-east-000000000', 'Bearer sk-upstream-west-000000000']);

    const refused = (await ask('gpt-4o').catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ type: 'rate_limit_error', code: 'targets_at_quota' });
    expect(refused.message).toContain('Every target of model "gpt-4o" that could take the request has used its quota for this minute (east/gpt-4o, west/gpt-4o)');
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(mock.requests).toHaveLength(3);
  });

  it('counts a target\'s tokens as its requests end: past its tpm, the next target answers', async () => {
    mock.enqueue({ usage: { prompt_tokens: 40, completion_tokens: 20 } }, { usage: { prompt_tokens: 40, completion_tokens: 20 } }, { usage: { prompt_tokens: 40, completion_tokens: 20 } });
    const first = await ask('gpt-4o-mini');
    // 60 of 100 tokens used: room for one more.
    const second = await ask('gpt-4o-mini');
    // 120: the next request goes to the other deployment.
    const third = await ask('gpt-4o-mini');
    expect([first, second, third].map(({ response }) => response.headers.get('x-tollgate-provider'))).toEqual(['east', 'east', 'west']);
  });

  it('usage-based: each request goes to the deployment that used the smallest share of its tpm this minute, or the fewest tokens without quotas', async () => {
    const sixtyTokens = { usage: { prompt_tokens: 40, completion_tokens: 20 } };
    mock.enqueue(...Array.from({ length: 6 }, () => sixtyTokens));
    const providers = [];
    for (let index = 0; index < 6; index += 1) providers.push((await ask('gpt-4.1')).response.headers.get('x-tollgate-provider'));
    // East's share 0.06, 0.12, …; west's 0.2 after one: three to one until west's share is the smaller again.
    expect(providers).toEqual(['east', 'west', 'east', 'east', 'east', 'west']);

    mock.enqueue(...Array.from({ length: 4 }, () => sixtyTokens));
    const even = [];
    for (let index = 0; index < 4; index += 1) even.push((await ask('gpt-4.1-mini')).response.headers.get('x-tollgate-provider'));
    expect(even).toEqual(['east', 'west', 'east', 'west']);
  });

  it('counts a prompt\'s estimated tokens as its request is sent, so requests in flight together cannot pass a tpm they would pass by their answers\' counts', async () => {
    // An agent's turns, each with a 2,400-byte prompt (about 600 tokens), three at once to a deployment of 1,000 tokens a minute.
    const prompt = 'x'.repeat(2_400);
    const slow = { delayMs: 150, usage: { prompt_tokens: 650, completion_tokens: 10 } };
    mock.enqueue(slow, slow, slow);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const sent = await Promise.all([0, 1, 2].map(async () => (await client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: prompt }] }).withResponse()).response.headers.get('x-tollgate-provider')));
    // The first estimate (607) leaves room for the second; the third sees 1,214 in flight.
    expect(sent.sort()).toEqual(['east', 'east', 'west']);
    // The answers' counts, not the estimates, are what stays: east used 1,320 tokens this minute.
    expect((await ask('o4-mini')).response.headers.get('x-tollgate-provider')).toBe('west');

    // An estimate is not counted twice: three answers of 45 tokens fit in 100 (the fourth request goes on).
    const fortyFive = { usage: { prompt_tokens: 35, completion_tokens: 10 } };
    mock.enqueue(fortyFive, fortyFive, fortyFive, fortyFive);
    const sequential = [];
    for (let index = 0; index < 4; index += 1) sequential.push((await ask('o3')).response.headers.get('x-tollgate-provider'));
    expect(sequential).toEqual(['east', 'east', 'east', 'west']);
  });
});
