import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import type { ErrorBody } from './support/error-body.js';
import { limitedKey, LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

const opsKey = 'tg-ops-routing-control-0001';
const smallOnlyKey = 'tg-small-only-routing-00001';
let primary: MockOpenAI;
let secondary: MockOpenAI;
let server: RunningServer;
let client: OpenAI;
const logs = new LogCapture();

beforeAll(async () => {
  // A self-hosted server whose `local-2k` model holds 2,000 tokens (the mock's tokens: words), and its bigger twin.
  primary = await createMockOpenAI({ contextLength: (model) => (model === 'local-2k' ? 2_000 : model === 'local-3k' ? 3_000 : undefined) });
  secondary = await createMockOpenAI({ contextLength: (model) => (model === 'mid-3k' ? 3_000 : undefined) });
  const upstream = (mock: MockOpenAI) => ({ type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-test-upstream-000000' });
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai'],
    auth: { masterKey, keys: [{ key: limitedKey, name: 'limited-agent' }, { key: opsKey, name: 'ops', routingControl: true }, { key: smallOnlyKey, name: 'small-only', models: ['small'] }] },
    providers: { primary: upstream(primary), secondary: upstream(secondary), dead: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-test-upstream-000000' } },
    // Short backoff so the tests run fast; the policy itself is unit-tested.
    routing: { retries: { baseDelayMs: 20, maxDelayMs: 100 } },
    models: {
      pair: { targets: ['primary/pair-1', 'secondary/pair-2'], retries: { maxRetries: 0 }, cooldown: false },
      single: { target: 'primary/single-1' },
      'hung-first': { targets: [{ target: 'primary/hung-1', timeouts: { firstByteMs: 300 } }, 'secondary/hung-2'], retries: { maxRetries: 0 } },
      'with-dead': { strategy: 'weighted', targets: ['dead/dead-0', 'secondary/alive-2'], cooldown: { failures: 3, cooldownMs: 60_000 } },
      cooling: { targets: ['primary/cool-1', 'secondary/cool-2'], retries: { maxRetries: 0 }, cooldown: { failures: 2, cooldownMs: 500 } },
      small: { target: 'primary/small-8k', fallbacks: { contextWindow: 'big', contentPolicy: 'safe' } },
      big: { target: 'secondary/big-128k' },
      safe: { target: 'secondary/safe-1' },
      tuned: { target: { target: 'primary/tuned-1', params: { temperature: 0, seed: 42 } } },
      // The price table knows neither: each deployment's window is given.
      fitting: { targets: [{ target: 'primary/local-2k', contextLength: 2_000 }, 'secondary/hosted-1m'], retries: { maxRetries: 0 } },
      'none-fits': { targets: [{ target: 'primary/local-3k', contextLength: 3_000 }, { target: 'secondary/mid-3k', contextLength: 3_000 }], retries: { maxRetries: 0 } },
    },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await server.close();
  await primary.close();
  await secondary.close();
});

beforeEach(() => {
  primary.reset();
  secondary.reset();
});

const serverError = { status: 500, error: { message: 'The server had an error while processing your request.', type: 'server_error' } };
const ask = (model: string, options: OpenAI.RequestOptions = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'route me' }] }, options).withResponse();

function post(model: string, headers: Record<string, string>, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}`, ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'route me' }], ...extra }),
  });
}

describe('fallbacks', () => {
  it('primary 500 → the secondary answers; the client sees success with x-tollgate-attempts: 2, and the log line records both attempts', async () => {
    primary.enqueue(serverError);
    const { data, response } = await ask('pair');
    expect(data.choices[0]?.message.content).toBe('Mock answer to: route me');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(response.headers.get('x-tollgate-provider')).toBe('secondary');
    expect(response.headers.get('x-tollgate-model')).toBe('pair-2');
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(1);
    await server.tollgate.gateway.engine.drain();
    const line = logs.requestLines().find((entry) => entry.requestId === response.headers.get('x-request-id'))!;
    expect(line.attemptLog).toEqual([
      expect.objectContaining({ target: 'primary/pair-1', status: 500, errorCode: 'TOLLGATE_PROVIDER_ERROR' }),
      expect.objectContaining({ target: 'secondary/pair-2', status: 200 }),
    ]);
  });

  it('a 400 from upstream is not retried and does not fall back', async () => {
    primary.enqueue({ status: 400, error: { message: "Invalid value for 'temperature'.", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } });
    const error = (await ask('pair').catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_value');
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(0);
    primary.enqueue({ status: 400, error: { message: 'bad', type: 'invalid_request_error' } });
    await ask('single').catch(() => undefined); // a group with retries: still one request
    expect(primary.requests).toHaveLength(2);
  });

  it('a hung upstream hits its first-byte timeout and fails over, closing the hung request', async () => {
    primary.enqueue({ hang: true });
    const started = Date.now();
    const { data, response } = await ask('hung-first');
    expect(data.choices[0]?.message.content).toBe('Mock answer to: route me');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.headers.get('x-tollgate-provider')).toBe('secondary');
    expect(await primary.waitFor((mock) => mock.requests[0]?.aborted === true, 1_000)).toBe(true);
  });

  it('a stream whose upstream fails before its first byte fails over transparently', async () => {
    primary.enqueue(serverError);
    const stream = await client.chat.completions.create({ model: 'pair', stream: true, messages: [{ role: 'user', content: 'stream me' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Mock answer to: stream me');
    expect(secondary.requests).toHaveLength(1);
  });

  it('a stream that breaks after 3 chunks ends with an error event, without failing over', async () => {
    primary.enqueue({ stream: { failAfter: 3, chunkDelayMs: 5 } });
    const response = await post('pair', {}, { stream: true });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events).toHaveLength(4);
    expect((JSON.parse(events[3]!.slice(6)) as ErrorBody).error.code).toMatch(/upstream_/);
    expect(secondary.requests).toHaveLength(0);
  });

  it('context_length_exceeded falls back to the larger-context model, a content-policy refusal to its model', async () => {
    primary.enqueue({ status: 400, error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } });
    const larger = await ask('small');
    expect(larger.response.headers.get('x-tollgate-model')).toBe('big-128k');
    expect(secondary.requests[0]?.body.model).toBe('big-128k');
    primary.enqueue({ status: 400, error: { message: 'Your request was rejected by the safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } });
    const safer = await ask('small');
    expect(safer.response.headers.get('x-tollgate-model')).toBe('safe-1');
  });

  it('sends a request its smaller target cannot hold straight to one that can, counting the output limit, instead of letting the small one refuse it', async () => {
    const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index % 100}`).join(' ');
    const short = await client.chat.completions.create({ model: 'fitting', messages: [{ role: 'user', content: words(100) }] }).withResponse();
    expect(short.response.headers.get('x-tollgate-model')).toBe('local-2k');

    // 2,500 words: more than the 2,000 tokens the local model holds (the mock refuses it there).
    const long = await client.chat.completions.create({ model: 'fitting', messages: [{ role: 'user', content: words(2_500) }] }).withResponse();
    expect(long.response.headers.get('x-tollgate-model')).toBe('hosted-1m');
    expect(long.response.headers.get('x-tollgate-attempts')).toBe('1');
    // 1,000 words and room for 1,500 more: 2,500 in all.
    const roomy = await client.chat.completions.create({ model: 'fitting', max_tokens: 1_500, messages: [{ role: 'user', content: words(1_000) }] }).withResponse();
    expect(roomy.response.headers.get('x-tollgate-model')).toBe('hosted-1m');
    expect(primary.requests.map((request) => request.body.model)).toEqual(['local-2k']);

    // Fitting none of them, it goes as it would have: the first target answers why.
    const tooLong = (await client.chat.completions.create({ model: 'none-fits', messages: [{ role: 'user', content: words(4_000) }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(tooLong).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(primary.requests.at(-1)!.body.model).toBe('local-3k');
  });

  it('does not move a key to a fallback model it may not call: it gets the refusal', async () => {
    primary.enqueue({ status: 400, error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } });
    const limited = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: smallOnlyKey, maxRetries: 0 });
    const refused = await limited.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'route me' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(secondary.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('429 with retry-after: 1 is waited for once, then succeeds', async () => {
    primary.enqueue({ status: 429, error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const { response } = await ask('single');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(primary.requests).toHaveLength(2);
    expect(primary.requests[1]!.receivedAt - primary.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    // The backoff is not gateway overhead.
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeLessThan(500);
  });

  it('retries a 5xx on the same target after a backoff, never at once', async () => {
    primary.enqueue(serverError);
    await ask('single');
    expect(primary.requests).toHaveLength(2);
    expect(primary.requests[1]!.receivedAt - primary.requests[0]!.receivedAt).toBeGreaterThanOrEqual(10);
  });
});

describe('a group with a dead target', () => {
  it('answers 200 concurrent requests, all successfully', async () => {
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => client.chat.completions.create({ model: 'with-dead', messages: [{ role: 'user', content: 'x' }] })));
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed).toEqual([]);
    expect(secondary.requests).toHaveLength(200);
  });
});

describe('cooldown', () => {
  it('skips a failing target until its cooldown ends, then sends exactly one probe, and takes it back on success', async () => {
    primary.enqueue(serverError, serverError);
    await ask('cooling');
    await ask('cooling');
    expect(primary.requests).toHaveLength(2); // two failures: the circuit opens
    for (let request = 0; request < 5; request += 1) await ask('cooling');
    expect(primary.requests).toHaveLength(2); // cooling: no traffic
    expect(secondary.requests).toHaveLength(7);
    await new Promise((resolve) => setTimeout(resolve, 550));
    primary.enqueue({ delayMs: 100 }); // a slow probe, so the concurrent requests overlap it
    await Promise.all([ask('cooling'), ask('cooling'), ask('cooling')]);
    expect(primary.requests).toHaveLength(3); // exactly one probe
    await ask('cooling');
    expect(primary.requests).toHaveLength(4); // closed again
  });
});

describe('per-request control', () => {
  it('x-tollgate-fallbacks: off keeps to the first target, for a key allowed to say so', async () => {
    primary.enqueue(serverError);
    const response = await post('pair', { authorization: `Bearer ${opsKey}`, 'x-tollgate-fallbacks': 'off' });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(secondary.requests).toHaveLength(0);
  });

  it('refuses routing headers from a key without routingControl, and bad values', async () => {
    const refused = await post('pair', { authorization: `Bearer ${limitedKey}`, 'x-tollgate-fallbacks': 'off' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('routing_control_not_allowed');
    const bad = await post('pair', { 'x-tollgate-timeout-ms': 'soon' });
    expect(bad.status).toBe(400);
    expect(primary.requests).toHaveLength(0);
  });

  it('x-tollgate-timeout-ms bounds each upstream call of the request', async () => {
    primary.enqueue({ delayMs: 1_000 });
    const started = Date.now();
    const response = await post('pair', { 'x-tollgate-timeout-ms': '200', 'x-tollgate-fallbacks': 'off' });
    expect(response.status).toBe(504);
    expect(((await response.json()) as ErrorBody).error.code).toBe('upstream_total_timeout');
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('per-target parameters', () => {
  it('merges a target’s params into what goes upstream', async () => {
    await ask('tuned');
    expect(primary.requests[0]?.body).toMatchObject({ model: 'tuned-1', temperature: 0, seed: 42 });
  });
});
