import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { limitedKey, masterKey, serverPackageDirectory, startTestGateway, temporaryDatabasePath, type TestGateway } from './support/start-test-gateway.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    cwd: serverPackageDirectory,
    port: 0,
    logger: (await import('pino')).pino({ enabled: false }),
    config: {
      plugins: ['@tollgate/provider-echo', { name: '@tollgate/pricing', options: { overrides: { 'echo-1': { input: 1, output: 2 } } } }, { name: '@tollgate/metrics-prometheus', options: { processMetrics: false } }],
      auth: { masterKey, keys: [{ key: limitedKey, name: 'limited-agent' }] },
      providers: { echo: { type: 'echo' } },
      models: { echo: { target: 'echo/echo-1' }, 'fam/*': { target: 'echo/*' } },
    },
  });
});
afterAll(() => server.close());

/** The value of one series in the Prometheus text format. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

/** Checks the value of each series named. */
function expectSeries(text: string, expected: Readonly<Record<string, number>>): void {
  for (const [series, count] of Object.entries(expected)) expect(value(text, series), series).toBeCloseTo(count, 9);
}

describe('@tollgate/metrics-prometheus', () => {
  it('counts known traffic on /metrics, with bounded labels and no key', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'one two' }] });
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'three' }] });
    for await (const _chunk of stream) void _chunk;
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: limitedKey, maxRetries: 0 }).chat.completions.create({ model: 'fam/anything-a-client-names', messages: [{ role: 'user', content: 'x' }] });
    await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await server.tollgate.gateway.engine.drain();

    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expectSeries(text, {
      'tollgate_requests_total{operation="chat",model="echo",provider="echo",status="200"}': 2,
      'tollgate_requests_total{operation="chat",model="fam/*",provider="echo",status="200"}': 1,
      'tollgate_requests_total{operation="chat",model="unrouted",provider="none",status="404"}': 1,
      'tollgate_errors_total{code="TOLLGATE_MODEL_NOT_FOUND"}': 1,
      'tollgate_request_duration_seconds_count{operation="chat",model="echo",provider="echo",status="200"}': 2,
      'tollgate_time_to_first_token_seconds_count{model="echo",provider="echo"}': 1,
      'tollgate_upstream_attempt_duration_seconds_count{provider="echo",outcome="ok"}': 3,
      // "one two" → 2 prompt + 3 completion words ("Echo: one two"); "three" → 1 + 2 ("Echo: three").
      'tollgate_tokens_total{model="echo",team="none",key="master",type="prompt"}': 3,
      'tollgate_tokens_total{model="echo",team="none",key="master",type="completion"}': 5,
      'tollgate_tokens_total{model="fam/*",team="none",key="limited-agent",type="prompt"}': 1,
      // $1 / $2 per million tokens: (3 × 1 + 5 × 2) / 1e6.
      'tollgate_cost_usd_total{model="echo",team="none",key="master"}': 0.000013,
      tollgate_requests_in_flight: 0,
    });
    expect(text).not.toContain('anything-a-client-names');
    expect(text).not.toContain(masterKey);
    expect(text).not.toContain(limitedKey);
  });

  it('is not served when no metrics plugin is loaded', async () => {
    const plain = await startServer({ cwd: serverPackageDirectory, port: 0, logger: (await import('pino')).pino({ enabled: false }), config: { plugins: ['@tollgate/provider-echo'], auth: { masterKey } } });
    expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    await plain.close();
  });
});

describe('@tollgate/metrics-prometheus with budgets, rate limits, the response cache and cooldowns', () => {
  const cappedKey = 'sk-metrics-capped-agent-000001';
  const throttledKey = 'sk-metrics-throttled-agent-001';
  let governed: TestGateway;

  beforeAll(async () => {
    const databasePath = await temporaryDatabasePath('tollgate-metrics');
    governed = await startTestGateway((mock) => {
      const upstream = { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-metrics-000000' };
      return {
        plugins: [
          '@tollgate/provider-openai',
          { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 20 } },
          { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 100, output: 200 } } } },
          { name: '@tollgate/governance', options: { budgets: [{ scope: 'team', id: 'capped', limitUsd: 0, period: 'none' }], rateLimits: [{ scope: 'team', id: 'throttled', rpm: 1 }] } },
          '@tollgate/cache-memory',
          { name: '@tollgate/metrics-prometheus', options: { processMetrics: false } },
        ],
        auth: { masterKey, keys: [{ key: cappedKey, name: 'capped-agent', team: 'capped' }, { key: throttledKey, name: 'throttled-agent', team: 'throttled' }] },
        // Two provider instances on one mock: the first target fails once and cools down, the second answers.
        providers: { openai: upstream, backup: upstream },
        models: {
          'gpt-4o-mini': { target: 'openai/gpt-4o-mini' },
          cooling: { targets: ['openai/cool-1', 'backup/cool-2'], retries: { maxRetries: 0 }, cooldown: { failures: 1, cooldownMs: 60_000 } },
          // A deployment with a quota: 4 requests and 1,000 tokens a minute.
          quota: { target: { target: 'backup/quota-1', rpm: 4, tpm: 1_000 } },
        },
      };
    });
  });

  afterAll(() => governed?.close());

  it('counts cache results, refusals by the level that refused, and the targets cooling down', async () => {
    const client = (key: string) => new OpenAI({ baseURL: governed.baseURL, apiKey: key, maxRetries: 0 });
    const ask = (key: string, model: string, extra: Record<string, unknown> = {}) => client(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'count me' }], ...extra });

    await ask(masterKey, 'gpt-4o-mini', { temperature: 0 }); // miss
    await ask(masterKey, 'gpt-4o-mini', { temperature: 0 }); // hit
    await expect(ask(cappedKey, 'gpt-4o-mini')).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    await ask(throttledKey, 'gpt-4o-mini');
    await expect(ask(throttledKey, 'gpt-4o-mini')).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    governed.mock.enqueue({ status: 500, error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
    await ask(masterKey, 'cooling'); // openai/cool-1 fails and cools down; backup/cool-2 answers
    governed.mock.enqueue({ usage: { prompt_tokens: 150, completion_tokens: 100 } });
    await ask(masterKey, 'quota'); // 1 of 4 requests, 250 of 1,000 tokens
    await governed.server.tollgate.gateway.engine.drain();

    const text = await (await fetch(`${governed.server.url}/metrics`)).text();
    expectSeries(text, {
      'tollgate_cache_requests_total{model="gpt-4o-mini",result="miss"}': 1,
      'tollgate_cache_requests_total{model="gpt-4o-mini",result="hit"}': 1,
      'tollgate_cache_requests_total{model="cooling",result="bypass"}': 1,
      'tollgate_rejections_total{reason="budget",scope="team",model="gpt-4o-mini",team="capped",key="capped-agent"}': 1,
      'tollgate_rejections_total{reason="rate_limit",scope="team",model="gpt-4o-mini",team="throttled",key="throttled-agent"}': 1,
      'tollgate_target_cooling_down{provider="openai",target="openai/cool-1",state="open"}': 1,
      'tollgate_target_quota_used_ratio{provider="backup",target="backup/quota-1",kind="requests"}': 0.25,
      'tollgate_target_quota_used_ratio{provider="backup",target="backup/quota-1",kind="tokens"}': 0.25,
    });
    expect(text).not.toContain('target="backup/cool-2"');
    expect(text).not.toContain(cappedKey);
    expect(text).not.toContain(throttledKey);

    // The request log says the same: the team, what refused it, and what the cache did.
    const lines = governed.logs.requestLines();
    expect(lines.find((line) => line.errorCode === 'TOLLGATE_BUDGET_EXCEEDED')).toMatchObject({ keyName: 'capped-agent', teamId: 'capped', refusedBy: { scope: 'team', id: 'capped' } });
    expect(lines.find((line) => line.errorCode === 'TOLLGATE_RATE_LIMIT_EXCEEDED')).toMatchObject({ teamId: 'throttled', refusedBy: { scope: 'team', id: 'throttled' } });
    expect(lines.filter((line) => line.model === 'gpt-4o-mini' && line.keyName === 'master').map((line) => line.cache)).toEqual(['miss', 'hit']);
  });
});
