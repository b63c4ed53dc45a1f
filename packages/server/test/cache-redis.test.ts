import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import { startServer, type RunningServer } from '../src/index.js';
import { serverPackageDirectory } from './support/start-test-gateway.js';

// Two gateways sharing the machine's real Redis, under a namespace of their own.
const url = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `tollgate-test-${randomUUID().slice(0, 8)}:`;
const teamA = 'sk-redis-cache-team-a-000001';
const teamB = 'sk-redis-cache-team-b-000001';
let mock: MockOpenAI;
let servers: RunningServer[];

beforeAll(async () => {
  mock = await createMockOpenAI();
  const config = {
    plugins: ['@tollgate/provider-openai', { name: '@tollgate/cache-redis', options: { url, namespace } }],
    auth: { masterKey: 'sk-redis-cache-master-00001', keys: [{ key: teamA, name: 'agent-a', team: 'team-a' }, { key: teamB, name: 'agent-b', team: 'team-b' }] },
    providers: { openai: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-000000000000' } },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
  };
  const logger = (await import('pino')).pino({ enabled: false });
  servers = await Promise.all([0, 1].map(() => startServer({ cwd: serverPackageDirectory, port: 0, logger, config })));
});

afterAll(async () => {
  await Promise.all((servers ?? []).map((server) => server.close()));
  await mock?.close();
});

const ask = (server: RunningServer, key: string, content: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }, { headers }).withResponse();
const status = async (answer: ReturnType<typeof ask>) => (await answer).response.headers.get('x-tollgate-cache');

describe('the Redis response cache across two gateways', () => {
  it('serves a team\'s answer from either instance, never to another team', async () => {
    const [one, two] = servers as [RunningServer, RunningServer];
    expect(await status(ask(one, teamA, 'Shared question'))).toBe('miss');
    expect(await status(ask(two, teamA, 'Shared question'))).toBe('hit');
    expect(await status(ask(two, teamB, 'Shared question'))).toBe('miss');
    expect(mock.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(2);
  });

  it('keeps an answer for the TTL a request asks for', async () => {
    const [one, two] = servers as [RunningServer, RunningServer];
    await ask(one, teamA, 'Short-lived', { 'x-tollgate-cache-ttl': '1' });
    expect(await status(ask(two, teamA, 'Short-lived'))).toBe('hit');
    await sleep(1_200);
    expect(await status(ask(two, teamA, 'Short-lived'))).toBe('miss');
  });
});
