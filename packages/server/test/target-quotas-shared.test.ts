import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetQuotaUsage } from '@tollgate/core';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { masterKey, startQuietServer } from './support/start-test-gateway.js';

// Two gateway instances behind one load balancer, in front of an Azure deployment with a quota of 3
// requests a minute: with @tollgate/limits-redis (the real Redis) the quota holds for both together,
// where each would otherwise count alone and send it 3 of its own.

const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let mock: MockOpenAI;
let first: RunningServer;
let second: RunningServer;
let alone: RunningServer;

const config = (shared: boolean, prefix: string) => ({
  plugins: ['@tollgate/provider-openai', ...(shared ? [{ name: '@tollgate/limits-redis', options: { url: redisUrl, prefix, quotaExchangeMs: 50 } }] : [])],
  auth: { masterKey },
  providers: {
    east: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-east-000000000' },
    west: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-west-000000000' },
  },
  models: { 'gpt-4o': { targets: [{ target: 'east/gpt-4o', rpm: 3 }, 'west/gpt-4o'] } },
});

beforeAll(async () => {
  mock = await createMockOpenAI();
  const prefix = `tollgate-test-${randomUUID()}:`;
  [first, second, alone] = await Promise.all([startQuietServer(config(true, prefix)), startQuietServer(config(true, prefix)), startQuietServer(config(false, prefix))]);
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close(), alone?.close()]);
  await mock?.close();
});

const ask = async (server: RunningServer) =>
  (await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers.get('x-tollgate-provider');

/** Waits (bounded) until an instance sees `requests` sent to east over the minute: the exchange runs every 50 ms. */
async function untilSeen(server: RunningServer, requests: number): Promise<void> {
  const usage = server.tollgate.gateway.resolve(TargetQuotaUsage)!;
  for (let wait = 0; wait < 100; wait += 1) {
    if (usage.quotaUsage().find((use) => use.target === 'east/gpt-4o')?.requests === requests) return;
    await sleep(20);
  }
  throw new Error(`the instance never saw ${requests} requests to east/gpt-4o`);
}

describe('target quotas shared by every instance (@tollgate/limits-redis, real Redis)', () => {
  it('holds a deployment\'s rpm for two instances together: its quota spent on one sends the other\'s requests to the next target', async () => {
    expect([await ask(first), await ask(first)]).toEqual(['east', 'east']);
    await untilSeen(second, 2);
    expect(await ask(second)).toBe('east');
    await untilSeen(first, 3);
    // East has had its 3 requests of the minute, across both instances.
    expect([await ask(first), await ask(second)]).toEqual(['west', 'west']);
    expect(mock.requests.filter((request) => request.headers.authorization === 'Bearer sk-upstream-east-000000000')).toHaveLength(3);
    // An instance counting alone would have sent east its own three.
    expect(await ask(alone)).toBe('east');
  });
});
