import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { limitedKey, masterKey, serverPackageDirectory } from './support/start-test-gateway.js';

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
    expect(value(text, 'tollgate_requests_total{operation="chat",model="echo",provider="echo",status="200"}')).toBe(2);
    expect(value(text, 'tollgate_requests_total{operation="chat",model="fam/*",provider="echo",status="200"}')).toBe(1);
    expect(value(text, 'tollgate_requests_total{operation="chat",model="unrouted",provider="none",status="404"}')).toBe(1);
    expect(value(text, 'tollgate_errors_total{code="TOLLGATE_MODEL_NOT_FOUND"}')).toBe(1);
    expect(value(text, 'tollgate_request_duration_seconds_count{operation="chat",model="echo",provider="echo",status="200"}')).toBe(2);
    expect(value(text, 'tollgate_time_to_first_token_seconds_count{model="echo",provider="echo"}')).toBe(1);
    expect(value(text, 'tollgate_upstream_attempt_duration_seconds_count{provider="echo",outcome="ok"}')).toBe(3);
    // "one two" → 2 prompt + 3 completion words ("Echo: one two"); "three" → 1 + 2 ("Echo: three").
    expect(value(text, 'tollgate_tokens_total{model="echo",team="none",key="master",type="prompt"}')).toBe(3);
    expect(value(text, 'tollgate_tokens_total{model="echo",team="none",key="master",type="completion"}')).toBe(5);
    expect(value(text, 'tollgate_tokens_total{model="fam/*",team="none",key="limited-agent",type="prompt"}')).toBe(1);
    // $1 / $2 per million tokens: (3 × 1 + 5 × 2) / 1e6.
    expect(value(text, 'tollgate_cost_usd_total{model="echo",team="none",key="master"}')).toBeCloseTo(0.000013, 9);
    expect(value(text, 'tollgate_requests_in_flight')).toBe(0);
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
