import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { adminClient } from './support/admin-client.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import type { ErrorBody } from './support/error-body.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

// OpenRouter's `models: [...]` and LiteLLM's `fallbacks: [...]`: the client names, per request, the
// models to try after its own. Both fields are the gateway's: no upstream gets them (OpenAI refuses
// unknown fields with 400).

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
let server: RunningServer;
const { admin } = adminClient(() => server, masterKey);

beforeAll(async () => {
  server = await startPricedGateway(logs, { claude, gpt }, {
    databasePath: await temporaryDatabasePath('tollgate-client-fallbacks'),
    flushIntervalMs: 20,
    // No retries of the same target: a failure moves on at once.
    models: { llama: { target: { target: 'local/llama-3.3-70b', maxRetries: 0 } }, sonnet: { target: { target: 'claude/claude-sonnet-4-5', maxRetries: 0 } } },
  });
});

afterAll(async () => {
  await server.close();
});

const client = (apiKey = masterKey) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
/** What the OpenAI mock received as JSON, each request. */
const sentToGpt = () => gpt.requests.map((request) => request.body as Record<string, unknown>);

describe('fallback models the client names', () => {
  it("OpenRouter's models: the next model answers when the first's upstream is down, and no upstream sees the field", async () => {
    gpt.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    const body = { model: 'llama', models: ['llama', 'sonnet'], route: 'fallback', messages: [{ role: 'user', content: 'summarise the incident' }] };
    const { data, response } = await client().chat.completions.create(body as never).withResponse();
    // Claude answered, translated for the OpenAI client; the answer names the model that answered.
    expect(data.choices[0]?.message.content).toBe('Mock answer to: summarise the incident');
    expect(data.model).toBe('claude-sonnet-4-5');
    expect(response.headers.get('x-tollgate-provider')).toBe('claude');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    // Priced at the model that answered.
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ model: 'llama', provider: 'claude', upstreamModel: 'claude-sonnet-4-5', attempts: 2 });
    expect(sentToGpt()).toHaveLength(1);
    expect(sentToGpt()[0]).not.toHaveProperty('models');
    expect(sentToGpt()[0]).not.toHaveProperty('route');
    expect(sentToGpt()[0]).toMatchObject({ model: 'llama-3.3-70b' });
    expect(claude.requests[0]!.body).not.toHaveProperty('models');
  });

  it('`models` alone names the model; a context-window refusal moves on to the next model, as OpenRouter does', async () => {
    claude.enqueue({ status: 400, error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
    const { data } = await client().chat.completions.create({ models: ['sonnet', 'llama'], messages: [{ role: 'user', content: 'the whole repository' }] } as never).withResponse();
    expect(data.choices[0]?.message.content).toBe('Mock answer to: the whole repository');
    expect(claude.requests).toHaveLength(1);
    expect(sentToGpt()).toHaveLength(1);
  });

  it("LiteLLM's fallbacks (and OpenRouter's { model } entries), streamed: the fallback's stream, once the first model failed before its first byte", async () => {
    gpt.enqueue({ status: 500, error: { message: 'Internal error', type: 'server_error' } });
    const stream = await client().chat.completions.create({ model: 'llama', stream: true, messages: [{ role: 'user', content: 'one two three' }], fallbacks: [{ model: 'sonnet' }] } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Mock answer to: one two three');
    expect(sentToGpt()[0]).not.toHaveProperty('fallbacks');
  });

  it("OpenRouter's Messages `fallbacks` from an Anthropic client, and `models` from a Responses client: the next model answers in the client's own API", async () => {
    claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    const body = { model: 'sonnet', max_tokens: 200, messages: [{ role: 'user' as const, content: 'draft the release notes' }], fallbacks: [{ model: 'llama' }] };
    const { data: message, response } = await anthropic.messages.create(body as never).withResponse();
    // llama's OpenAI-compatible answer, translated into a Message.
    expect((message as Anthropic.Message).content).toEqual([expect.objectContaining({ type: 'text', text: 'Mock answer to: draft the release notes' })]);
    expect(response.headers.get('x-tollgate-provider')).toBe('local');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    // Claude got the client's body without the field (Anthropic refuses unknown fields).
    expect(claude.requests).toHaveLength(1);
    expect(claude.requests[0]!.body).not.toHaveProperty('fallbacks');
    expect(claude.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 200 });

    gpt.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    const responses = await client().responses.create({ model: 'llama', models: ['sonnet'], input: 'list the open incidents' } as never);
    expect((responses as OpenAI.Responses.Response).output_text).toBe('Mock answer to: list the open incidents');
    expect(sentToGpt().at(-1)).not.toHaveProperty('models');

    // A malformed list is refused in the client's own error shape, before any upstream call.
    const malformed = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': masterKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify({ ...body, fallbacks: [{ model: 'llama', max_tokens: 10 }] }) });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('`fallbacks` must be a list') } });
    expect(claude.requests).toHaveLength(2);
  });

  it('refuses a fallback the key may not call (403) or that does not route (404), and a malformed list (400), before any upstream call', async () => {
    const key = (await admin('/admin/keys', { alias: 'llama-only', models: ['llama'] })).json.key as string;
    const ask = (apiKey: string, extra: Record<string, unknown>) =>
      fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'x' }], ...extra }) });

    const forbidden = await ask(key, { models: ['llama', 'sonnet'] });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as ErrorBody).error).toMatchObject({ code: 'model_not_allowed', param: 'models', message: expect.stringContaining('Key "llama-only" may not call model "sonnet", named as a fallback') });
    const unknown = await ask(masterKey, { fallbacks: ['gpt-9'] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error).toMatchObject({ code: 'model_not_found', param: 'models' });
    // A fallback with its own messages (LiteLLM's per-fallback override) is refused, not sent without them.
    const overrides = { fallbacks: [{ model: 'sonnet', messages: [{ role: 'user', content: 'shorter' }] }] };
    for (const [extra, param] of [[{ models: 'sonnet' }, 'models'], [{ fallbacks: [1] }, 'fallbacks'], [overrides, 'fallbacks'], [{ models: ['sonnet'], route: 'cheapest' }, 'route']] as const) {
      const malformed = await ask(masterKey, extra);
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param });
    }
    expect(gpt.requests).toHaveLength(0);
    expect(claude.requests).toHaveLength(0);
  });
});
