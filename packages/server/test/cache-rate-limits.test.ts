import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

const key = 'sk-cache-limits-agent-000001';
let mock: MockOpenAI;
let server: RunningServer;

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway('tollgate-cache-limits', [
    { name: '@tollgate/governance', options: { rateLimits: [{ scope: 'team', rpm: 2 }] } },
    '@tollgate/cache-memory',
  ], {
    auth: { masterKey: 'sk-cache-limits-master-00001', keys: [{ key, name: 'agent', team: 'team-limited' }] },
  }));
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

describe('cache hits and rate limits', () => {
  it('count a cache hit as a request against the limit', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'same question' }] }).withResponse();
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('miss');
    const hit = await ask();
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(hit.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    await expect(ask()).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(mock.requests).toHaveLength(1);
  });
});
