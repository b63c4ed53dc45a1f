import { DatabaseSync } from 'node:sqlite';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '@tollgate/core';
import { createMockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer, temporaryDatabasePath } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';

const { claude, gpt } = await startClaudeAndGptMocks();
/** OpenAI's own API: its chat models refuse `/v1/completions`, and it refuses fields it does not define. */
const openaiApi = await createMockOpenAI({ apiKey: 'sk-openai-upstream-000000', refuseUnknownFields: true, chatOnlyModels: (model) => !/instruct|davinci|babbage/.test(model) });
let server: RunningServer;
let openai: OpenAI;
const logs = new LogCapture();

beforeAll(async () => {
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      '@tollgate/provider-anthropic',
      { name: '@tollgate/pricing', options: { overrides: { 'local/qwen2.5-coder-7b': { input: 1, output: 2 } } } },
    ],
    auth: { masterKey },
    providers: {
      // A vLLM server: it serves the completions API, for any model it loads.
      local: { type: 'openai', baseURL: gpt.baseURL, timeouts: { firstByteMs: 5_000, idleMs: 5_000 } },
      // The same server with the completions API turned off: prompts go as chat requests.
      'local-chat': { type: 'openai', baseURL: gpt.baseURL, completionsAPI: false },
      openai: { type: 'openai', baseURL: openaiApi.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
    },
    models: {
      coder: { target: 'local/qwen2.5-coder-7b' },
      'coder-chat': { target: 'local-chat/qwen2.5-coder-7b' },
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      instruct: { target: 'openai/gpt-3.5-turbo-instruct' },
      'gpt-4o': { target: 'openai/gpt-4o' },
      resilient: { targets: ['local/qwen2.5-coder-7b', 'claude/claude-sonnet-4-5'], retries: { maxRetries: 0 } },
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await server.close();
  await openaiApi.close();
});

/** The texts of a completions stream, the chunks' finish reasons and usages, as the SDK yields them. */
async function collect(stream: AsyncIterable<OpenAI.Completions.Completion>) {
  const chunks: OpenAI.Completions.Completion[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return {
    chunks,
    text: chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.text)).join(''),
    finishReasons: chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason).filter((reason) => reason !== null)),
    usages: chunks.map((chunk) => chunk.usage).filter((usage) => usage != null),
  };
}

describe('POST /v1/completions to a server of the completions API', () => {
  it('passes a fill-in-the-middle request through as the client\'s bytes (the routed model in place of the alias) and its answer back as the upstream wrote it, priced and logged', async () => {
    gpt.enqueue({ content: 'a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b', usage: { prompt_tokens: 9, completion_tokens: 21 } });
    const body = { model: 'coder', prompt: 'def fib(n):\n', suffix: '\n    return a\n', max_tokens: 64, temperature: 0, stop: ['\n\n\n'], top_k: 20 };
    const { data, response } = await openai.completions.create(body as OpenAI.CompletionCreateParamsNonStreaming).withResponse();
    expect(gpt.requests).toHaveLength(1);
    expect(gpt.requests[0]!.path).toBe('/v1/completions');
    expect(gpt.requests[0]!.body).toEqual({ ...body, model: 'qwen2.5-coder-7b' });
    expect(data).toEqual({
      id: 'cmpl-mock1',
      object: 'text_completion',
      created: expect.any(Number),
      model: 'qwen2.5-coder-7b',
      choices: [{ text: 'a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b', index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 21, total_tokens: 30 },
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('local');
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ status: 200, ingress: 'openai-completions', model: 'coder', provider: 'local', upstreamModel: 'qwen2.5-coder-7b', promptTokens: 9, completionTokens: 21, costMicros: 51, finishReason: 'stop' });
  });

  it('leaves the API\'s default of 16 tokens to the upstream, and `echo`, legacy `logprobs` and several prompts reach it', async () => {
    const prompt = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen';
    const cut = await openai.completions.create({ model: 'coder', prompt });
    expect(gpt.requests[0]!.body).toEqual({ model: 'qwen2.5-coder-7b', prompt });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.choices[0]!.text.split(' ').filter(Boolean)).toHaveLength(16);

    gpt.enqueue({ content: 'world again' });
    const echoed = await openai.completions.create({ model: 'coder', prompt: 'hello ', echo: true, logprobs: 2, max_tokens: 5 });
    expect(echoed.choices[0]!.text).toBe('hello world again');
    expect(echoed.choices[0]!.logprobs).toEqual({ tokens: ['world ', 'again'], token_logprobs: [-0.25, -0.25], top_logprobs: [{ 'world ': -0.25, 'world ?': -2.5 }, { again: -0.25, 'again?': -2.5 }], text_offset: [6, 12] });

    gpt.enqueue({ content: 'done' });
    const several = await openai.completions.create({ model: 'coder', prompt: ['first prompt', 'second prompt'], n: 2, max_tokens: 5 });
    expect(several.choices.map((choice) => choice.index)).toEqual([0, 1, 2, 3]);
    expect(several.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  });

  it('streams the upstream\'s events as they come, usage asked for upstream and kept from a client that did not ask for it', async () => {
    gpt.enqueue({ content: 'def add(a, b): return a + b', usage: { prompt_tokens: 3, completion_tokens: 9 } });
    const { data: stream, response } = await openai.completions.create({ model: 'coder', prompt: '# add two numbers\n', max_tokens: 30, stream: true }).withResponse();
    const streamed = await collect(stream);
    expect(gpt.requests[0]!.body).toEqual({ model: 'qwen2.5-coder-7b', prompt: '# add two numbers\n', max_tokens: 30, stream: true, stream_options: { include_usage: true } });
    expect(streamed.text).toBe('def add(a, b): return a + b');
    // The upstream's own events: its id on every one.
    expect(streamed.chunks.every((chunk) => chunk.object === 'text_completion' && chunk.id === streamed.chunks[0]!.id)).toBe(true);
    expect(streamed.chunks[0]!.id).toMatch(/^cmpl-mock\d+$/);
    expect(streamed.finishReasons).toEqual(['stop']);
    expect(streamed.usages).toEqual([]);
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ status: 200, ingress: 'openai-completions', stream: true, promptTokens: 3, completionTokens: 9, costMicros: 21 });

    gpt.enqueue({ content: 'x = 1', usage: { prompt_tokens: 2, completion_tokens: 3 } });
    const withUsage = await collect(await openai.completions.create({ model: 'coder', prompt: '# one\n', stream: true, stream_options: { include_usage: true } }));
    expect(withUsage.usages).toEqual([{ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 }]);
    expect(withUsage.chunks.at(-1)!.choices).toEqual([]);
  });

  it('answers an upstream\'s refusal as its error, in OpenAI\'s shape and status', async () => {
    gpt.enqueue({ status: 400, error: { message: "This model's maximum context length is 2048 tokens. However, you requested 4000 tokens.", type: 'invalid_request_error', param: 'prompt' } });
    const response = await fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'coder', prompt: 'long', max_tokens: 4000 }) });
    expect(response.status).toBe(400);
    expect((await response.json()) as ErrorBody).toMatchObject({ error: { message: `Provider "local" answered 400: This model's maximum context length is 2048 tokens. However, you requested 4000 tokens.`, type: 'upstream_error' } });
  });
});

describe('POST /v1/completions to a chat model', () => {
  it('sends the prompt to Claude as a user message with the API\'s default of 16 tokens, and answers a text_completion', async () => {
    // `temperature` is among the fields the current Messages API no longer takes (see the Anthropic provider's README).
    claude.enqueue({ content: 'Gates open wide' });
    const completion = await openai.completions.create({ model: 'sonnet', prompt: 'Write a haiku about gateways', temperature: 0.5, stop: ['\n\n'], user: 'end-user-3' });
    expect(claude.requests[0]!.body).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Write a haiku about gateways' }],
      max_tokens: 16,
      stop_sequences: ['\n\n'],
      metadata: { user_id: 'end-user-3' },
    });
    expect(completion).toMatchObject({ object: 'text_completion', model: 'claude-sonnet-4-5', choices: [{ text: 'Gates open wide', index: 0, logprobs: null, finish_reason: 'stop' }] });
    expect(completion.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 3, total_tokens: expect.any(Number) });
  });

  it('streams Claude\'s answer as text_completion events, usage only when asked for', async () => {
    claude.enqueue({ content: 'Bytes flow through' });
    const plain = await collect(await openai.completions.create({ model: 'sonnet', prompt: 'Say something', max_tokens: 20, stream: true }));
    expect(claude.requests[0]!.body).toMatchObject({ stream: true, max_tokens: 20, messages: [{ role: 'user', content: 'Say something' }] });
    expect(plain.text).toBe('Bytes flow through');
    expect(plain.finishReasons).toEqual(['stop']);
    expect(plain.usages).toEqual([]);
    expect(plain.chunks.every((chunk) => chunk.object === 'text_completion' && chunk.choices.length > 0)).toBe(true);

    claude.enqueue({ content: 'Again' });
    const counted = await collect(await openai.completions.create({ model: 'sonnet', prompt: 'Say it', stream: true, stream_options: { include_usage: true } }));
    expect(counted.text).toBe('Again');
    expect(counted.usages).toEqual([{ prompt_tokens: expect.any(Number), completion_tokens: 1, total_tokens: expect.any(Number) }]);
  });

  it('sends OpenAI\'s chat models a chat request and its instruct models the completions request', async () => {
    const instruct = await openai.completions.create({ model: 'instruct', prompt: 'Say this is a test', max_tokens: 10, temperature: 0 });
    expect(openaiApi.requests[0]!.path).toBe('/v1/completions');
    expect(openaiApi.requests[0]!.body).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test', max_tokens: 10, temperature: 0 });
    expect(instruct.choices[0]!.text).toBe('Mock completion of: Say this is a test');

    const chat = await openai.completions.create({ model: 'gpt-4o', prompt: 'Say this is a test', temperature: 0 });
    expect(openaiApi.requests[1]!.path).toBe('/v1/chat/completions');
    expect(openaiApi.requests[1]!.body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say this is a test' }], max_tokens: 16, temperature: 0 });
    expect(chat).toMatchObject({ object: 'text_completion', choices: [{ text: 'Mock answer to: Say this is a test', finish_reason: 'stop' }] });
    openaiApi.reset();
  });

  it('falls over from a failing server of the completions API to Claude, translated', async () => {
    gpt.enqueue({ status: 503, error: { message: 'The engine is currently overloaded.', type: 'server_error' } });
    claude.enqueue({ content: 'From Claude' });
    const { data, response } = await openai.completions.create({ model: 'resilient', prompt: 'Who answers?' }).withResponse();
    expect(gpt.requests[0]!.path).toBe('/v1/completions');
    expect(data.choices[0]!.text).toBe('From Claude');
    expect(response.headers.get('x-tollgate-provider')).toBe('claude');
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
  });

  it('refuses what only the completions API does when the model cannot be sent it, naming the field, before any upstream call', async () => {
    for (const [model, extra, param] of [['sonnet', { suffix: '\n}' }, 'suffix'], ['coder-chat', { echo: true }, 'echo'], ['sonnet', { logprobs: 3 }, 'logprobs'], ['gpt-4o', { prompt: ['a', 'b'] }, 'prompt']] as const) {
      const response = await fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, prompt: 'function f() {', ...extra }) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
      expect(body.error.message).toContain('needs an upstream that serves the completions API');
    }
    expect(claude.requests).toHaveLength(0);
    expect(gpt.requests).toHaveLength(0);
    expect(openaiApi.requests).toHaveLength(0);
  });

  it('passes prompts of token ids to a server of the completions API as sent, and refuses them where the request would be translated', async () => {
    // One prompt of ids (what evaluation harnesses send vLLM), with echo and logprobs to score it.
    const scored = await openai.completions.create({ model: 'coder', prompt: [1734, 318, 257, 1049], max_tokens: 1, echo: true, logprobs: 1 }).withResponse();
    expect(gpt.requests[0]!.body).toEqual({ model: 'qwen2.5-coder-7b', prompt: [1734, 318, 257, 1049], max_tokens: 1, echo: true, logprobs: 1 });
    // The server counts the ids as its prompt tokens.
    expect(scored.data.usage).toMatchObject({ prompt_tokens: 4 });
    expect(scored.response.headers.get('x-tollgate-provider')).toBe('local');
    // Several prompts of ids: a choice each.
    const several = await openai.completions.create({ model: 'coder', prompt: [[9906, 1917], [40, 1093, 499]], max_tokens: 2 });
    expect(gpt.requests[1]!.body.prompt).toEqual([[9906, 1917], [40, 1093, 499]]);
    expect(several.choices.map((choice) => choice.index)).toEqual([0, 1]);
    expect(several.usage).toMatchObject({ prompt_tokens: 5 });
    // A model whose requests are translated to chat has no way to send ids: refused before any call.
    const translated = await openai.completions.create({ model: 'coder-chat', prompt: [1734, 318, 257] }).catch((error: unknown) => error);
    expect(translated).toMatchObject({ status: 400, param: 'prompt' });
    expect((translated as Error).message).toContain('a prompt of token ids needs an upstream that serves the completions API');
    expect(gpt.requests).toHaveLength(2);
  });

  it('refuses a malformed prompt, a missing prompt and an unknown key in OpenAI\'s error shape', async () => {
    const post = (body: object, key = masterKey) => fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const notIds = await post({ model: 'coder', prompt: [17.5, -3] });
    expect(notIds.status).toBe(400);
    expect(((await notIds.json()) as ErrorBody).error).toMatchObject({ param: 'prompt', message: 'The request field "prompt" must be a string, an array of strings, or token ids (an array of whole numbers, or of such arrays); got an array.' });
    const missing = await post({ model: 'coder' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({ param: 'prompt', message: 'The request is missing the required field "prompt" (a string, an array of strings, or token ids (an array of whole numbers, or of such arrays)).' });
    const unknown = await post({ model: 'coder', prompt: 'x' }, 'sk-not-a-key-000000000000');
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as ErrorBody).error).toMatchObject({ type: 'authentication_error' });
    expect(gpt.requests).toHaveLength(0);
  });
});

describe('POST /v1/completions under guardrails, budgets and the cache', () => {
  let governed: RunningServer;
  let databasePath: string;

  beforeAll(async () => {
    databasePath = await temporaryDatabasePath('tollgate-completions');
    governed = await startLoggedServer(new LogCapture(), {
      plugins: [
        '@tollgate/provider-openai',
        { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 10 } },
        // $100 per million input tokens, $1,000 per million output tokens: an output token costs $0.001.
        { name: '@tollgate/pricing', options: { overrides: { 'local/qwen2.5-coder-7b': { input: 100, output: 1_000 } } } },
        { name: '@tollgate/governance', options: { onInsufficientBudget: 'clamp', budgetLeaseRequests: 0 } },
        { name: '@tollgate/guardrail-pii', options: { action: 'redact' } },
        { name: '@tollgate/cache-memory', options: { maxBytes: 1_000_000 } },
      ],
      auth: { masterKey },
      providers: { local: { type: 'openai', baseURL: gpt.baseURL } },
      models: { coder: { target: 'local/qwen2.5-coder-7b' } },
    });
  });

  afterAll(async () => {
    await governed.close();
  });

  it('redacts PII in the prompt and the suffix inside the client\'s bytes, and lowers max_tokens there to what the budget buys', async () => {
    const key = await createBudgetedKey(governed.url, 'autocomplete', 0.05);
    const client = new OpenAI({ baseURL: `${governed.url}/v1`, apiKey: key, maxRetries: 0 });
    gpt.enqueue({ content: 'send_report()', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const { data, response } = await client.completions.create({ model: 'coder', prompt: '# mail jane.doe@example.com\n', suffix: '\n# cc john@example.org', max_tokens: 4_000 }).withResponse();
    const sent = gpt.requests[0]!;
    expect(sent.path).toBe('/v1/completions');
    expect(sent.bodyText).not.toContain('example.com');
    expect(sent.body).toEqual({ model: 'qwen2.5-coder-7b', prompt: '# mail [EMAIL_1]\n', suffix: '\n# cc [EMAIL_2]', max_tokens: sent.body.max_tokens });
    expect(sent.body.max_tokens).toBeGreaterThan(0);
    expect(sent.body.max_tokens).toBeLessThan(50);
    expect(data).toMatchObject({ object: 'text_completion', choices: [{ text: 'send_report()', finish_reason: 'stop' }] });
    await governed.tollgate.gateway.engine.drain();
    await governed.tollgate.gateway.resolve(Ledger)!.flush();
    const database = new DatabaseSync(databasePath, { readOnly: true });
    const row = database.prepare('SELECT status, cost_micros, prompt_tokens, completion_tokens FROM tollgate_requests WHERE request_id = ?').get(response.headers.get('x-request-id'));
    database.close();
    expect(row).toEqual({ status: 200, cost_micros: 4_200, prompt_tokens: 12, completion_tokens: 3 });
  });

  it('redacts PII in the answer, whole and streamed, decoding the completions API\'s events for the guardrail and encoding them back', async () => {
    const client = new OpenAI({ baseURL: `${governed.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    gpt.enqueue({ content: 'mail ops@example.com now' });
    const whole = await client.completions.create({ model: 'coder', prompt: '# notify', max_tokens: 10 });
    expect(gpt.requests[0]!.path).toBe('/v1/completions');
    expect(whole).toMatchObject({ object: 'text_completion', choices: [{ text: 'mail [EMAIL_1] now', finish_reason: 'stop' }] });
    gpt.enqueue({ content: 'mail ops@example.com now', stream: { content: ['mail ops@exa', 'mple.com ', 'now'] } });
    const streamed = await collect(await client.completions.create({ model: 'coder', prompt: '# notify', max_tokens: 10, stream: true }));
    expect(gpt.requests[1]!.path).toBe('/v1/completions');
    expect(streamed.text).toBe('mail [EMAIL_1] now');
    expect(streamed.text).not.toContain('example.com');
    expect(streamed.chunks.every((chunk) => chunk.object === 'text_completion')).toBe(true);
    expect(streamed.finishReasons).toEqual(['stop']);
  });

  it('holds a budget for a prompt of token ids at one token an id, and passes it unread by the guardrails and the cache', async () => {
    const key = await createBudgetedKey(governed.url, 'evals', 0.05);
    const client = new OpenAI({ baseURL: `${governed.url}/v1`, apiKey: key, maxRetries: 0 });
    // 1,000 ids at $100 per million input tokens: $0.10 of prompt alone, more than the key's $0.05.
    const tooLong = await client.completions.create({ model: 'coder', prompt: Array.from({ length: 1_000 }, (_, index) => 1_000 + index), max_tokens: 1 }).catch((error: unknown) => error);
    expect(tooLong).toMatchObject({ status: 429, code: 'budget_exceeded' });
    // One token an id: (1,000 + 7 of the chat format's) × the 1.15 margin × $100 per million, and one output token at $0.001.
    expect((tooLong as Error).message).toContain('this request may cost up to $0.1168');
    expect(gpt.requests).toHaveLength(0);
    // Ten ids pass, as sent (PII redaction has no text to read in them), and are recorded.
    const ids = [4438, 374, 279, 6864, 315, 9822, 30, 578, 6864, 374];
    const { data, response } = await client.completions.create({ model: 'coder', prompt: ids, max_tokens: 1, temperature: 0 }).withResponse();
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'qwen2.5-coder-7b', prompt: ids, max_tokens: 1 });
    expect(data.usage).toMatchObject({ prompt_tokens: 10 });
    // Like the fields only the completions API takes, ids go to the upstream every time, never answered from the cache.
    expect(response.headers.get('x-tollgate-cache')).toBe('bypass');
    await governed.tollgate.gateway.engine.drain();
    await governed.tollgate.gateway.resolve(Ledger)!.flush();
    const database = new DatabaseSync(databasePath, { readOnly: true });
    const row = database.prepare('SELECT status, prompt_tokens FROM tollgate_requests WHERE request_id = ?').get(response.headers.get('x-request-id'));
    database.close();
    expect(row).toEqual({ status: 200, prompt_tokens: 10 });
    const again = await client.completions.create({ model: 'coder', prompt: ids, max_tokens: 1, temperature: 0 }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect(gpt.requests).toHaveLength(2);
  });

  it('keeps a prompt\'s cached answer apart from a chat message with the same text', async () => {
    const client = new OpenAI({ baseURL: `${governed.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    gpt.enqueue({ content: 'as chat' });
    const chat = await client.chat.completions.create({ model: 'coder', messages: [{ role: 'user', content: 'print(' }], max_tokens: 16, temperature: 0 }).withResponse();
    expect(chat.response.headers.get('x-tollgate-cache')).toBe('miss');
    gpt.enqueue({ content: '"hello")' });
    const first = await client.completions.create({ model: 'coder', prompt: 'print(', temperature: 0 }).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(first.data.choices[0]!.text).toBe('"hello")');
    const again = await client.completions.create({ model: 'coder', prompt: 'print(', temperature: 0 }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(again.data).toMatchObject({ object: 'text_completion', choices: [{ text: '"hello")', finish_reason: 'stop' }] });
    expect(gpt.requests.map((request) => request.path)).toEqual(['/v1/chat/completions', '/v1/completions']);
  });
});
