import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import type { ErrorBody } from './support/error-body.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
// A ledger flushed only every minute: a lookup finds a request that is still buffered.
const databasePath = await temporaryDatabasePath('tollgate-request-cost');
let server: RunningServer;

beforeAll(async () => {
  server = await startPricedGateway(logs, { claude, gpt }, {
    databasePath,
    flushIntervalMs: 60_000,
    // Embeddings at $1,000 per million tokens.
    models: { embed: { target: 'local/text-embedding-3-small' }, mystery: { target: 'local/mystery-model-7b', contextLength: 32_768 }, painter: { target: 'local/painter-1' }, 'local-then-sonnet': { targets: [{ target: 'local/qwen3-32k', contextLength: 32_768 }, 'claude/claude-sonnet-4-5'] } },
    // An image model whose pictures cost twelve times its text.
    prices: { 'local/text-embedding-3-small': { input: 1_000, output: 0 }, 'local/painter-1': { input: 0.3, output: 2.5, imageOutput: 30 } },
  });
  // `mystery` has no price anywhere.
});

afterAll(async () => {
  await server.close();
});

const openai = (apiKey = masterKey) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

/** `GET /v1/generation?id=` with a key, as the `openai` SDK's own `get` sends it. */
const generation = (id: string, apiKey = masterKey) => openai(apiKey).get<{ data: Record<string, unknown> }>('/generation', { query: { id } });

async function virtualKey(alias: string): Promise<string> {
  const created = await fetch(`${server.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ alias }) });
  expect(created.status).toBe(201);
  return ((await created.json()) as { key: string }).key;
}

describe('a request\'s cost, told to the client', () => {
  it('comes back in x-tollgate-cost with a whole answer — chat, Anthropic\'s Messages, embeddings — and is the ledger\'s figure', async () => {
    gpt.enqueue({ usage: { prompt_tokens: 10, completion_tokens: 5 } });
    const chat = await openai().chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    // 10 × $1 + 5 × $2 per million tokens.
    expect(chat.response.headers.get('x-tollgate-cost')).toBe('0.00002');

    claude.enqueue({ usage: { input_tokens: 20, output_tokens: 10 } });
    const message = await new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 })
      .messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'fix the bug' }] }).withResponse();
    expect(message.response.headers.get('x-tollgate-cost')).toBe('0.00004');

    const embedded = await openai().embeddings.create({ model: 'embed', input: 'alpha', encoding_format: 'float' }).withResponse();
    expect(embedded.data.usage.prompt_tokens).toBe(1);
    expect(embedded.response.headers.get('x-tollgate-cost')).toBe('0.001');

    // The same figures in the ledger, looked up by each request's id.
    for (const [answer, cost] of [[chat, 0.00002], [message, 0.00004], [embedded, 0.001]] as const) {
      const { data } = await generation(answer.response.headers.get('x-request-id')!);
      expect(data.total_cost).toBe(cost);
    }
  });

  it('of a stream (its headers sent before its cost is known) is looked up with GET /v1/generation by the request id or the answer\'s own id', async () => {
    gpt.enqueue({ content: 'streamed words', usage: { prompt_tokens: 30, completion_tokens: 15 } });
    const { data: stream, response } = await openai().chat.completions.create({ model: 'llama', stream: true, messages: [{ role: 'user', content: 'stream it' }] }).withResponse();
    expect(response.headers.get('x-tollgate-cost')).toBeNull();
    let answerId = '';
    for await (const chunk of stream) answerId = chunk.id;
    const requestId = response.headers.get('x-request-id')!;

    const byRequest = await generation(requestId);
    expect(byRequest.data).toEqual({
      id: requestId,
      upstream_id: answerId,
      total_cost: 0.00006,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      model: 'llama',
      upstream_model: 'llama-3.3-70b',
      provider_name: 'local',
      operation: 'chat',
      streamed: true,
      cancelled: false,
      status: 200,
      error_code: null,
      latency: expect.any(Number),
      finish_reason: 'stop',
      tokens_prompt: 30,
      tokens_completion: 15,
      // The answer said its usage: not estimated, not billed afterwards.
      usage_source: null,
      service_tier: 'default',
      tags: [],
      end_user: null,
    });
    expect(answerId).toMatch(/^chatcmpl-/);
    expect((await generation(answerId)).data.id).toBe(requestId);
  });

  it("comes in a stream's usage chunk as usage.cost, as OpenRouter's streams carry it, when the client asks for usage — passed through or translated", async () => {
    gpt.enqueue({ usage: { prompt_tokens: 30, completion_tokens: 15 } });
    const passed = await openai().chat.completions.create({ model: 'llama', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream it' }] }).withResponse();
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | null | undefined;
    for await (const chunk of passed.data) if (chunk.usage) usage = chunk.usage;
    // 30 × $1 + 15 × $2 per million tokens: the ledger's figure.
    expect(usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 15, cost: 0.00006 });
    expect((await generation(passed.response.headers.get('x-request-id')!)).data.total_cost).toBe(0.00006);

    // Claude's stream translated for the OpenAI client: 20 in, 10 out.
    claude.enqueue({ usage: { input_tokens: 20, output_tokens: 10 } });
    const translated = await openai().chat.completions.create({ model: 'sonnet', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'fix it' }] });
    usage = undefined;
    for await (const chunk of translated) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 10, cost: 0.00004 });

    // An unpriced model's usage chunk has no cost.
    gpt.enqueue({ usage: { prompt_tokens: 3, completion_tokens: 1 } });
    const unpriced = await openai().chat.completions.create({ model: 'mystery', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    usage = undefined;
    for await (const chunk of unpriced) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 3 });
    expect(usage).not.toHaveProperty('cost');
  });

  it("is listed beforehand by GET /v1/models as OpenRouter lists its models' prices (USD per token, where a price is known) and context windows", async () => {
    const models = (await openai().models.list()).data as (OpenAI.Model & { pricing?: Record<string, string> })[];
    const byId = new Map(models.map((model) => [model.id, model]));
    // $1 and $2 per million tokens; embeddings at $1,000 per million.
    expect(byId.get('llama')?.pricing).toEqual({ prompt: '0.000001', completion: '0.000002' });
    expect(byId.get('embed')?.pricing).toMatchObject({ prompt: '0.001', completion: '0' });
    expect(byId.get('mystery')).not.toHaveProperty('pricing');
    // The price of the images a model draws, as OpenRouter names it (`image_output`, per token).
    expect(byId.get('painter')?.pricing).toEqual({ prompt: '0.0000003', completion: '0.0000025', image_output: '0.00003' });
    expect((await openai().models.retrieve('llama')) as unknown).toMatchObject({ id: 'llama', pricing: { prompt: '0.000001' } });
    // The context window where the price table knows the model (Claude Sonnet 4.5's, from Anthropic's
    // table), as OpenRouter's `context_length`; a self-hosted model's is not known.
    expect(byId.get('sonnet')).toMatchObject({ context_length: 200_000 });
    expect(byId.get('llama')).not.toHaveProperty('context_length');
    // A self-hosted model's, as its route gives it (a vLLM server's max_model_len).
    expect(byId.get('mystery')).toMatchObject({ context_length: 32_768 });
    // A group's, the largest of its targets': a request it cannot hold locally goes to Claude.
    expect(byId.get('local-then-sonnet')).toMatchObject({ context_length: 200_000 });
    expect((await openai().models.retrieve('sonnet')) as unknown).toMatchObject({ id: 'sonnet', context_length: 200_000 });
  });

  it('is a key\'s own: another key is told it does not exist, the master key sees every request', async () => {
    const [mine, theirs] = [await virtualKey('cost-mine'), await virtualKey('cost-theirs')];
    gpt.enqueue({ usage: { prompt_tokens: 2, completion_tokens: 1 } });
    const completion = await openai(mine).chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'mine' }] });
    // The `openai` SDK keeps the gateway's request id as `_request_id`.
    const requestId = completion._request_id!;
    expect((await generation(requestId, mine)).data).toMatchObject({ id: requestId, upstream_id: completion.id, total_cost: 0.000004, tokens_prompt: 2 });
    expect((await generation(completion.id, mine)).data.id).toBe(requestId);
    expect((await generation(requestId)).data.id).toBe(requestId);

    for (const id of [requestId, completion.id]) {
      const refused = (await generation(id, theirs).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.NotFoundError>;
      expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
      expect((refused.error as ErrorBody['error']).message).toContain(`No request "${id}" is recorded for this key`);
    }
  });

  it('is null where no price is known, without a header; a missing or unknown id and a missing key are refused in OpenAI\'s error shape', async () => {
    gpt.enqueue({ usage: { prompt_tokens: 3, completion_tokens: 3 } });
    const unpriced = await openai().chat.completions.create({ model: 'mystery', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(unpriced.response.headers.get('x-tollgate-cost')).toBeNull();
    expect((await generation(unpriced.response.headers.get('x-request-id')!)).data).toMatchObject({ total_cost: null, tokens_prompt: 3, tokens_completion: 3 });

    const get = (query: string, headers: Record<string, string> = { authorization: `Bearer ${masterKey}` }) => fetch(`${server.url}/v1/generation${query}`, { headers });
    const missing = await get('');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { message: expect.stringContaining('Query parameter "id" is required'), type: 'invalid_request_error', param: 'id', code: 'invalid_request' } });
    const unknown = await get('?id=chatcmpl-nothing-like-it');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error).toMatchObject({ type: 'not_found_error', param: 'id', code: 'not_found' });
    const anonymous = await get('?id=anything', {});
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(await anonymous.json())).not.toContain(masterKey);
  });
});
