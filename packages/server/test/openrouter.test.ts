import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, openRouterImageTokens, openRouterMockImage, pngOfSize, type MockOpenAI } from '@tollgate/testkit';
import { toFile } from 'openai';
import type { RunningServer } from '../src/index.js';
import type { ErrorBody } from './support/error-body.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

const openRouterKey = 'sk-or-v1-upstreamSECRET0123456789';
let openrouter: MockOpenAI;
let selfHosted: MockOpenAI;
let server: RunningServer;
let client: OpenAI;
const logs = new LogCapture();

beforeAll(async () => {
  openrouter = await createMockOpenAI({ flavor: 'openrouter', apiKey: openRouterKey });
  selfHosted = await createMockOpenAI();
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-openrouter'],
    auth: { masterKey },
    providers: {
      openrouter: {
        type: 'openrouter',
        apiKey: openRouterKey,
        baseURL: openrouter.baseURL,
        referer: 'https://tollgate.example',
        title: 'Tollgate tests',
        extensions: { provider: { data_collection: 'deny', order: ['anthropic', 'openai'] }, transforms: ['middle-out'] },
      },
      'gpu-box': { type: 'openai', baseURL: selfHosted.baseURL },
    },
    routing: { retries: { baseDelayMs: 10, maxDelayMs: 20 } },
    models: {
      auto: { target: { target: 'openrouter/openrouter/auto', params: { models: ['anthropic/claude-sonnet-4.5', 'openai/gpt-4o'] } } },
      'or/*': { target: 'openrouter/*' },
      // OpenRouter first, the team's own GPU box when OpenRouter cannot answer.
      resilient: { targets: ['openrouter/meta-llama/llama-3.3-70b-instruct', 'gpu-box/llama-3.3-70b'] },
    },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await openrouter.close();
  await selfHosted.close();
});

beforeEach(() => {
  openrouter.reset();
  selfHosted.reset();
});

async function lastLine(requestId: string | null): Promise<Record<string, unknown>> {
  await server.tollgate.gateway.engine.drain();
  return logs.requestLines().find((line) => line.requestId === requestId)!;
}

describe('OpenRouter behind self-hosted rules', () => {
  it('sends the key, attribution and the instance’s extensions over the client’s, with a target’s params over both', async () => {
    openrouter.enqueue({ model: 'anthropic/claude-sonnet-4.5' });
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], provider: { data_collection: 'allow' }, transforms: [] } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    const upstream = openrouter.requests[0]!;
    expect(upstream.headers.authorization).toBe(`Bearer ${openRouterKey}`);
    expect(upstream.headers['http-referer']).toBe('https://tollgate.example');
    expect(upstream.headers['x-title']).toBe('Tollgate tests');
    expect(upstream.body).toMatchObject({
      model: 'openrouter/auto',
      provider: { data_collection: 'deny', order: ['anthropic', 'openai'] },
      transforms: ['middle-out'],
      models: ['anthropic/claude-sonnet-4.5', 'openai/gpt-4o'],
    });
    expect(data.model).toBe('anthropic/claude-sonnet-4.5');
    // The model actually used and OpenRouter's own cost are what the gateway records.
    expect(await lastLine(response.headers.get('x-request-id'))).toMatchObject({ provider: 'openrouter', upstreamModel: 'anthropic/claude-sonnet-4.5', costMicros: 9 });
  });

  it('routes a wildcard family to OpenRouter’s catalog', async () => {
    await client.chat.completions.create({ model: 'or/mistralai/mistral-large', messages: [{ role: 'user', content: 'x' }] });
    expect(openrouter.requests[0]?.body.model).toBe('mistralai/mistral-large');
  });

  it('sends an assistant message\'s reasoning_details back, as OpenRouter takes them (any other OpenAI-format server gets them left out)', async () => {
    const details = [{ type: 'reasoning.text', text: 'Think.', signature: 'sig_or', format: 'anthropic-claude-v1', index: 0 }];
    const turn = { role: 'assistant', content: 'Done.', reasoning_details: details };
    await client.chat.completions.create({ model: 'or/anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'x' }, turn, { role: 'user', content: 'y' }] } as never);
    expect((openrouter.requests.at(-1)!.body as { messages: unknown[] }).messages[1]).toEqual(turn);
  });

  it("keeps Claude Code's prompt caching marks on its way to Claude through OpenRouter, and leaves them out for a server that takes none", async () => {
    const ephemeral = { type: 'ephemeral' };
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    const turn = {
      max_tokens: 256,
      system: [{ type: 'text' as const, text: 'You are Claude Code.' }, { type: 'text' as const, text: 'CLAUDE.md: the whole project guide…', cache_control: ephemeral }],
      tools: [{ name: 'Read', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } }, cache_control: ephemeral }],
      messages: [
        { role: 'user' as const, content: 'read the README' },
        { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_1', name: 'Read', input: { path: 'README.md' } }] },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: '# Tollgate…', cache_control: ephemeral }, { type: 'text' as const, text: 'summarise it', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
      ],
    };
    await anthropic.messages.create({ model: 'or/anthropic/claude-sonnet-4.5', ...turn } as never);
    const sent = openrouter.requests.at(-1)!.body as Record<string, any>;
    // OpenRouter's chat completions take the marks where Claude reads them.
    expect(sent.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'CLAUDE.md: the whole project guide…', cache_control: ephemeral }] });
    expect(sent.messages.at(-2)).toEqual({ role: 'tool', tool_call_id: 'toolu_1', content: '# Tollgate…', cache_control: ephemeral });
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'summarise it', cache_control: { type: 'ephemeral', ttl: '1h' } }] });
    expect(sent.tools[0]).toMatchObject({ type: 'function', function: { name: 'Read' }, cache_control: ephemeral });

    // A self-hosted server gets the same turn without them.
    const down = { status: 503, error: { message: 'down', type: 'server_error' } };
    openrouter.enqueue(down, down);
    await anthropic.messages.create({ model: 'resilient', ...turn } as never);
    const local = selfHosted.requests.at(-1)!.body as Record<string, any>;
    expect(JSON.stringify(local)).not.toContain('cache_control');
    expect(local.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'CLAUDE.md: the whole project guide…' }] });
  });

  it('streams without its keep-alive comments, with usage and cost tapped', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'or/openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'count to five please' }] }),
    });
    const text = await response.text();
    expect(text).not.toContain('OPENROUTER PROCESSING');
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.map((event) => (event === 'data: [DONE]' ? '' : (JSON.parse(event.slice(6)).choices[0]?.delta.content ?? ''))).join('')).toBe('Mock answer to: count to five please');
    expect(await lastLine(response.headers.get('x-request-id'))).toMatchObject({ completionTokens: 7, costMicros: 18 }) // OpenRouter's usage.cost: 4 + 2 × 7 µ$;
  });

  it('charges a stream the client left what OpenRouter billed for it, read from its generation record', async () => {
    openrouter.enqueue({ content: 'one two three four five six seven eight nine ten eleven twelve', stream: { chunkDelayMs: 40 } });
    const { data: stream, response } = await client.chat.completions.create({ model: 'or/meta-llama/llama-3.3-70b-instruct', stream: true, messages: [{ role: 'user', content: 'count to twelve' }] }).withResponse();
    let pieces = 0;
    // Three words in, the client goes away (the SDK aborts the request): no usage chunk ever comes.
    for await (const chunk of stream) if ((chunk.choices[0]?.delta.content ?? '') !== '' && ++pieces === 3) break;
    // The gateway sees the client go, then asks OpenRouter 1.5 s later: the line comes once it has the answer.
    const requestId = response.headers.get('x-request-id');
    for (let attempt = 0; attempt < 60 && !logs.requestLines().some((candidate) => candidate.requestId === requestId); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const line = await logs.requestLine(requestId);
    const record = (await fetch(`${openrouter.baseURL}/generation?id=${String(line.responseId)}`, { headers: { authorization: `Bearer ${openRouterKey}` } }).then((answer) => answer.json())) as { data: { cancelled: boolean; tokens_completion: number; total_cost: number } };
    expect(record.data.cancelled).toBe(true);
    expect(record.data.tokens_completion).toBeGreaterThanOrEqual(3);
    expect(record.data.tokens_completion).toBeLessThan(12);
    // The gateway asked OpenRouter (its key, the answer's id) and recorded what it billed: 3 + 2 × the words generated, in µ$.
    const asked = openrouter.requests.filter((request) => request.method === 'GET' && request.path.startsWith('/v1/generation?id='));
    expect(asked[0]!.headers.authorization).toBe(`Bearer ${openRouterKey}`);
    expect(line).toMatchObject({ status: 499, promptTokens: 3, completionTokens: record.data.tokens_completion, costMicros: Math.round(record.data.total_cost * 1_000_000), usageSource: 'billed' });
    expect(line.costMicros).toBe(3 + 2 * record.data.tokens_completion);
  });

  it('ends the stream with an error event when OpenRouter sends a mid-stream error chunk — never a success', async () => {
    openrouter.enqueue({ stream: { errorAfter: 3, chunkDelayMs: 5 } });
    const stream = await client.chat.completions.create({ model: 'or/openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
    const failure = await (async () => {
      for await (const _chunk of stream) void _chunk;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String(failure)).toContain('Provider disconnected unexpectedly');
  });

  it('does not retry 402 (credits) and falls back to the self-hosted target', async () => {
    openrouter.enqueue({ status: 402, error: { message: 'Insufficient credits. Add more using https://openrouter.ai/credits', type: 'payment' } });
    const { data, response } = await client.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Mock answer to: x');
    expect(openrouter.requests).toHaveLength(1);
    expect(selfHosted.requests).toHaveLength(1);
    expect(response.headers.get('x-tollgate-provider')).toBe('gpu-box');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
  });

  it('keeps a moderation refusal’s reasons (403, not retried) and retries 429', async () => {
    openrouter.enqueue({ status: 403, error: { message: 'Input flagged by moderation', type: 'moderation', metadata: { reasons: ['violence', 'self-harm'], flagged_input: 'how to…', provider_name: 'OpenAI' } } });
    const refused = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'or/openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] }) });
    expect(refused.status).toBe(403);
    const error = ((await refused.json()) as ErrorBody).error;
    expect(error.code).toBe('content_policy_violation');
    expect(error.message).toContain('flagged for: violence, self-harm');
    expect(openrouter.requests).toHaveLength(1);

    openrouter.enqueue({ status: 429, error: { message: 'Rate limit exceeded', type: 'rate_limit' }, headers: { 'retry-after': '0' } });
    const retried = await client.chat.completions.create({ model: 'or/openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(retried.choices[0]?.message.content).toBe('Mock answer to: x');
    expect(openrouter.requests).toHaveLength(3);
  });

  it('treats an error inside a 200 answer as an error, and a non-JSON answer as an invalid response', async () => {
    openrouter.enqueue({ body: { error: { code: 502, message: 'Upstream provider returned an empty response' } } });
    const inside = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', 'x-tollgate-fallbacks': 'off' }, body: JSON.stringify({ model: 'or/x/y', messages: [{ role: 'user', content: 'x' }] }) });
    // Retryable: retried once, and the second (default) answer succeeds.
    expect(inside.status).toBe(200);
    expect(openrouter.requests).toHaveLength(2);
    openrouter.enqueue({ rawBody: '<html>oops "error"</html>' }, { rawBody: '<html>oops "error"</html>' });
    const garbage = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'or/x/y', messages: [{ role: 'user', content: 'x' }] }) });
    expect(garbage.status).toBe(502);
    expect(((await garbage.json()) as ErrorBody).error.code).toBe('upstream_invalid_response');
  });

  it('never shows the OpenRouter key to a client or a log', async () => {
    openrouter.enqueue({ status: 401, error: { message: `Invalid key ${openRouterKey}`, type: 'auth' } });
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'or/x/y', messages: [{ role: 'user', content: 'x' }] }) });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('upstreamSECRET');
    await server.tollgate.gateway.engine.drain();
    expect(logs.raw.join('\n')).not.toContain('upstreamSECRET');
  });
});

describe('the Images API through OpenRouter (its image models draw in chat answers)', () => {
  it("asks chat completions for images with the instance's extensions, one call per image, and answers OpenAI's images shape at the cost OpenRouter reported", async () => {
    const { data: answer, response } = await client.images.generate({ model: 'or/google/gemini-2.5-flash-image', prompt: 'a red kite over the sea', n: 2, size: '1536x1024' }).withResponse();
    expect(openrouter.requests).toHaveLength(2);
    const sent = openrouter.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({
      model: 'google/gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'a red kite over the sea' }],
      modalities: ['image', 'text'],
      image_config: { aspect_ratio: '3:2' },
      // Self-hosted rules hold for images too.
      provider: { data_collection: 'deny', order: ['anthropic', 'openai'] },
    });
    expect(answer.data).toEqual([{ b64_json: openRouterMockImage }, { b64_json: openRouterMockImage }]);
    // Per call: 6 prompt tokens; "Mock answer to: …" (9 words) and the picture's 1,290 tokens out; OpenRouter's cost $1 and $2 per million.
    expect(answer.usage).toMatchObject({ input_tokens: 12, output_tokens: 2 * (9 + openRouterImageTokens), output_tokens_details: { image_tokens: 2 * openRouterImageTokens, text_tokens: 18 } });
    const cost = 2 * ((6 + 2 * (9 + openRouterImageTokens)) / 1_000_000);
    expect(Number(response.headers.get('x-tollgate-cost'))).toBeCloseTo(cost, 9);
    expect(await lastLine(response.headers.get('x-request-id'))).toMatchObject({ operation: 'images', provider: 'openrouter', costMicros: Math.round(cost * 1_000_000) });
  });

  it('sends an edit\'s images as image parts of the message, and refuses a mask', async () => {
    const image = pngOfSize(64, 64);
    const answer = await client.images.edit({ model: 'or/google/gemini-2.5-flash-image', image: await toFile(image, 'kite.png', { type: 'image/png' }), prompt: 'make the kite blue' });
    expect(answer.data).toHaveLength(1);
    expect(openrouter.requests[0]!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'make the kite blue' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(image).toString('base64')}` } }] },
    ]);
    // A chat message has no place for a mask: refused, not dropped.
    const masked = await client.images.edit({ model: 'or/google/gemini-2.5-flash-image', image: await toFile(image, 'kite.png', { type: 'image/png' }), mask: await toFile(image, 'mask.png', { type: 'image/png' }), prompt: 'make the kite blue' }).catch((error: unknown) => error);
    expect((masked as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((masked as InstanceType<typeof OpenAI.APIError>).param).toBe('mask');
    expect(openrouter.requests).toHaveLength(1);
  });
});
