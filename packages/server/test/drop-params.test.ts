import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import { createLogger, startServer, type RunningServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory } from './support/start-test-gateway.js';

// A self-hosted vLLM server first, OpenAI's own API behind it: the client's vLLM extensions (`top_k`,
// `repetition_penalty`) and OpenRouter's routing preferences (`provider`) go to vLLM as sent, and a
// fallback to OpenAI — which refuses any field it does not define — must not fail on them.

let vllm: MockOpenAI;
let openai: MockOpenAI;
let server: RunningServer;
const logs = new LogCapture();

/** What an agent tuned for its self-hosted model sends. */
const tunedRequest = {
  model: 'coder',
  messages: [{ role: 'user' as const, content: 'fix the failing test' }],
  max_tokens: 64,
  temperature: 0.2,
  top_k: 40,
  repetition_penalty: 1.05,
  provider: { order: ['deepinfra'] },
};

beforeAll(async () => {
  vllm = await createMockOpenAI();
  openai = await createMockOpenAI({ refuseUnknownFields: true });
  server = await startServer({ cwd: serverPackageDirectory, port: 0, logger: createLogger({ level: 'debug', destination: logs }), config: {
    plugins: ['@tollgate/provider-openai'],
    auth: { masterKey },
    providers: {
      vllm: { type: 'openai', baseURL: vllm.baseURL },
      openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-upstream-000000', dropParams: true },
      'openai-as-sent': { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-upstream-000000' },
      'openai-named': { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-upstream-000000', dropParams: ['top_k'] },
    },
    models: {
      coder: { targets: ['vllm/qwen3-coder', { target: 'openai/gpt-4.1', params: { top_logprobs: 2, logprobs: true } }], retries: { maxRetries: 0 } },
      'coder-as-sent': { targets: ['vllm/qwen3-coder', 'openai-as-sent/gpt-4.1'], retries: { maxRetries: 0 } },
      'gpt-4.1': { target: 'openai-named/gpt-4.1' },
      // Claude on a server that takes cache marks, OpenAI's API behind it (own targets: their circuits are their own).
      sonnet: { targets: ['vllm/claude-sonnet', 'openai/gpt-4.1'], retries: { maxRetries: 0 } },
      'sonnet-as-sent': { targets: ['vllm/claude-haiku', 'openai-as-sent/gpt-4.1'], retries: { maxRetries: 0 } },
      embedder: { targets: ['vllm/bge-m3', 'openai/text-embedding-3-small'], retries: { maxRetries: 0 } },
    },
  } });
});

afterAll(async () => {
  await server.close();
  await vllm.close();
  await openai.close();
});

beforeEach(() => {
  vllm.reset();
  openai.reset();
});

const client = () => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
const overloaded = { status: 503, error: { message: 'The server is overloaded', type: 'server_error' } };

describe('dropParams: fields an upstream does not take, left out of what it is sent', () => {
  it('fails over from vLLM to OpenAI with the client\'s extensions left out, whole and streamed', async () => {
    vllm.enqueue(overloaded);
    const answer = await client().chat.completions.create(tunedRequest as never);
    expect(answer.choices[0]!.message.content).toContain('fix the failing test');
    // vLLM got every field the client sent; OpenAI every field it defines, and the target's own params.
    expect(vllm.requests[0]!.body).toMatchObject({ top_k: 40, repetition_penalty: 1.05, provider: { order: ['deepinfra'] } });
    const sentToOpenAI = openai.requests[0]!.body as Record<string, unknown>;
    expect(Object.keys(sentToOpenAI).sort()).toEqual(['logprobs', 'max_tokens', 'messages', 'model', 'temperature', 'top_logprobs']);
    expect(sentToOpenAI).toMatchObject({ model: 'gpt-4.1', max_tokens: 64, temperature: 0.2, top_logprobs: 2 });

    vllm.enqueue(overloaded);
    const stream = await client().chat.completions.create({ ...tunedRequest, stream: true } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('fix the failing test');
    expect(openai.requests[1]!.body).not.toHaveProperty('top_k');
    expect(openai.requests[1]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    // Each dropped field noted once, at debug level, naming the provider.
    const dropped = logs.lines.filter((line) => String(line.msg).includes('dropParams'));
    expect(dropped.map((line) => line.field).sort()).toEqual(['provider', 'repetition_penalty', 'top_k']);
    expect(dropped[0]).toMatchObject({ level: 20, msg: 'Request field provider "openai" does not take (dropParams); dropped' });
  });

  it('leaves out what another API\'s answer added to an assistant message the client sends back: Claude\'s signed thinking for any OpenAI-format server, reasoning_content with dropParams', async () => {
    const conversation = [
      { role: 'user', content: 'fix the failing test' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
        reasoning_content: 'Read the file first.',
        reasoning_details: [{ type: 'reasoning.text', text: 'Read the file first.', signature: 'sig_1', format: 'anthropic-claude-v1', index: 0 }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
    ];
    vllm.enqueue(overloaded);
    await client().chat.completions.create({ model: 'coder', messages: conversation } as never);
    // Claude's reasoning_details are no OpenAI-format server's to read (only OpenRouter takes them): vLLM gets the rest as sent.
    const { reasoning_content: _text, reasoning_details: _details, ...plainTurn } = conversation[1] as Record<string, unknown>;
    expect((vllm.requests[0]!.body as { messages: unknown[] }).messages[1]).toEqual({ ...plainTurn, reasoning_content: 'Read the file first.' });
    expect((openai.requests[0]!.body as { messages: unknown[] }).messages).toEqual([conversation[0], plainTurn, conversation[2]]);
    const dropped = logs.lines.filter((line) => String(line.msg).includes('dropParams')).map((line) => line.field);
    expect(dropped).toEqual(expect.arrayContaining(['messages[].reasoning_content', 'messages[].reasoning_details']));

    vllm.enqueue(overloaded);
    await client().chat.completions.create({ model: 'coder-as-sent', messages: conversation } as never);
    expect((openai.requests[1]!.body as { messages: unknown[] }).messages[1]).toEqual({ ...plainTurn, reasoning_content: 'Read the file first.' });
  });

  it('leaves out the prompt caching marks a client set for Claude (Cline, LiteLLM\'s users) on a fallback to OpenAI, and sends them without it', async () => {
    const marked = {
      model: 'sonnet',
      max_tokens: 64,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'fix the failing test', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } }, cache_control: { type: 'ephemeral' } }],
    };
    vllm.enqueue(overloaded);
    const answer = await client().chat.completions.create(marked as never);
    expect(answer.choices[0]!.message.content).toContain('fix the failing test');
    // vLLM got the client's bytes as sent; OpenAI the same request without a mark.
    expect(vllm.requests[0]!.bodyText).toContain('"cache_control"');
    expect(vllm.requests[0]!.body).toMatchObject({ messages: [{ content: [{ cache_control: { type: 'ephemeral' } }] }, { cache_control: { ttl: '1h' } }] });
    expect(openai.requests[0]!.bodyText).not.toContain('cache_control');
    expect(openai.requests[0]!.body).toMatchObject({
      messages: [{ role: 'system', content: [{ type: 'text', text: 'You are a coding agent.' }] }, { role: 'user', content: 'fix the failing test' }],
      tools: [{ type: 'function', function: { name: 'read_file' } }],
    });
    expect(logs.lines.filter((line) => String(line.msg).includes('dropParams')).map((line) => line.field)).toContain('cache_control');

    vllm.enqueue(overloaded);
    await client().chat.completions.create({ ...marked, model: 'sonnet-as-sent' } as never);
    expect(openai.requests[1]!.body).toMatchObject({ messages: [{ content: [{ cache_control: { type: 'ephemeral' } }] }, { cache_control: { ttl: '1h' } }] });
  });

  it('leaves an embedding server\'s fields out of an embeddings request that falls back to OpenAI', async () => {
    vllm.enqueue(overloaded);
    const embedded = await client().embeddings.create({ model: 'embedder', input: 'where is the retry policy?', input_type: 'query', truncate: 'END' } as never);
    expect(embedded.data).toHaveLength(1);
    expect(vllm.requests[0]!.body).toMatchObject({ input_type: 'query', truncate: 'END' });
    expect(Object.keys(openai.requests[0]!.body as object).sort()).toEqual(['encoding_format', 'input', 'model']);
  });

  it('without it, OpenAI refuses the fallback as it refuses any field it does not define', async () => {
    vllm.enqueue(overloaded);
    await expect(client().chat.completions.create({ ...tunedRequest, model: 'coder-as-sent' } as never)).rejects.toMatchObject({
      status: 400,
      error: { message: expect.stringContaining('Unrecognized request argument supplied: top_k') },
    });
  });

  it('drops only the fields it names, and sends a request without them as the client\'s own bytes', async () => {
    // The model's name is the upstream's: the client's bytes would go as they are, but for the dropped field.
    await client().chat.completions.create({ ...tunedRequest, model: 'gpt-4.1', provider: undefined, repetition_penalty: undefined } as never);
    expect(openai.requests[0]!.body).not.toHaveProperty('top_k');
    expect(openai.requests[0]!.body).toMatchObject({ model: 'gpt-4.1', temperature: 0.2 });

    openai.enqueue({ status: 400, error: { message: 'Unrecognized request argument supplied: repetition_penalty', type: 'invalid_request_error' } });
    await expect(client().chat.completions.create({ ...tunedRequest, model: 'gpt-4.1', provider: undefined } as never)).rejects.toMatchObject({ status: 400 });
    expect(openai.requests[1]!.body).toMatchObject({ repetition_penalty: 1.05 });

    const plain = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: plain });
    expect(openai.requests[2]!.bodyText).toBe(plain);
  });
});
