import OpenAI from 'openai';
import type { ErrorBody } from './support/error-body.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testConfig, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway((mock) =>
    testConfig(mock, {
      providers: {
        openai: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-test-upstream-000000', timeouts: { firstByteMs: 400, idleMs: 400, totalMs: 3_000 } },
        slow: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-test-upstream-000000', timeouts: { totalMs: 600 } },
        nowhere: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-test-upstream-000000' },
      },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, slow: { target: 'slow/gpt-4o-mini' }, nowhere: { target: 'nowhere/gpt-4o-mini' } },
      // Each timeout surfaces as it is; retrying them is routing.test.ts's subject.
      routing: { retries: { maxRetries: 0 } },
    }),
  );
});
afterAll(() => gateway.close());

const messages = [{ role: 'user' as const, content: 'one two three four five six seven eight nine ten' }];

describe('client disconnects', () => {
  it('aborts the upstream stream when the client goes away mid-stream (the mock sees it within 1 s)', async () => {
    gateway.mock.reset();
    gateway.mock.enqueue({ stream: { chunkDelayMs: 150 } });
    const controller = new AbortController();
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages }, { signal: controller.signal });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // leaving the loop aborts the client's request
    }
    controller.abort();
    const abortedAt = Date.now();
    expect(await gateway.mock.waitFor((mock) => mock.requests[0]?.aborted === true, 1_000)).toBe(true);
    expect(gateway.mock.requests[0]!.closedAt! - abortedAt).toBeLessThan(1_000);
    await gateway.server.tollgate.gateway.engine.drain();
    expect(gateway.logs.requestLines().at(-1)).toMatchObject({ status: 499, errorCode: 'TOLLGATE_CLIENT_CLOSED_REQUEST' });
  });

  it('aborts the upstream call when the client leaves before the first byte', async () => {
    gateway.mock.reset();
    gateway.mock.enqueue({ delayMs: 350 });
    const controller = new AbortController();
    const pending = gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: controller.signal }).catch((error: unknown) => error);
    await gateway.mock.waitFor((mock) => mock.requests.length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(await gateway.mock.waitFor((mock) => mock.requests[0]?.aborted === true, 1_000)).toBe(true);
  });
});

describe('upstream timeouts, each with its own code', () => {
  it('first byte: 504 upstream_first_byte_timeout', async () => {
    gateway.mock.enqueue({ delayMs: 1_500 });
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages });
    expect(response.status).toBe(504);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({ type: 'timeout_error', code: 'upstream_first_byte_timeout' });
  });

  it('stream idle: the stream ends with an upstream_idle_timeout error event', async () => {
    gateway.mock.enqueue({ stream: { hangAfter: 3 } });
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(JSON.parse(events.at(-1)!.slice(6)).error.code).toBe('upstream_idle_timeout');
  });

  it('total: 504 upstream_total_timeout even while bytes keep coming', async () => {
    gateway.mock.enqueue({ stream: { chunkDelayMs: 100 } });
    const response = await gateway.post('/v1/chat/completions', { model: 'slow', stream: true, messages });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(JSON.parse(events.at(-1)!.slice(6)).error.code).toBe('upstream_total_timeout');
  });

  it('connection refused: 502 upstream_unreachable', async () => {
    const response = await gateway.post('/v1/chat/completions', { model: 'nowhere', messages });
    expect(response.status).toBe(502);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('upstream_unreachable');
    expect(error.message).toMatch(/Could not reach provider "nowhere" \(http:\/\/127\.0\.0\.1:9\): ECONNREFUSED/);
  });
});
