import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bedrockMockImage, createMockBedrock, mockEmbedding, type MockBedrock } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

const credentials = { accessKeyId: 'AKIDTOLLGATETEST0001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY-SECRET', sessionToken: 'FwoGZXIvYXdzEXAMPLE-session-SECRET' };
const bedrockApiKey = 'ABSKQmVkcm9ja0FQSUtleS-SECRET';
const modelId = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
let signed: MockBedrock;
let keyed: MockBedrock;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  signed = await createMockBedrock({ region: 'us-west-2', credentials });
  keyed = await createMockBedrock({ region: 'us-west-2', apiKey: bedrockApiKey });
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-bedrock', { name: '@tollgate/pricing', options: { overrides: { 'aws/cohere.rerank-v3-5:0': { input: 0, output: 0, request: 2 }, 'aws/amazon.nova-canvas-v1:0': { input: 0, output: 0, request: 40 }, 'aws/stability.stable-image-ultra-v1:1': { input: 0, output: 0, request: 140 }, 'aws/cohere.embed-english-v3': { input: 0.1, output: 0 } } } }],
    auth: { masterKey },
    providers: {
      // The mock serves the Agent Runtime (Rerank) on the same port.
      aws: { type: 'bedrock', region: 'us-west-2', baseURL: signed.baseURL, agentRuntimeURL: signed.baseURL, credentials },
      'aws-wrong-secret': { type: 'bedrock', region: 'us-west-2', baseURL: signed.baseURL, credentials: { ...credentials, secretAccessKey: 'not-the-SECRET' } },
      'aws-api-key': { type: 'bedrock', region: 'us-west-2', baseURL: keyed.baseURL, apiKey: bedrockApiKey },
      // Claude through Converse only: an Anthropic client's request is translated.
      'aws-converse': { type: 'bedrock', region: 'us-west-2', baseURL: signed.baseURL, credentials, messagesAPI: false },
    },
    routing: { retries: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 } },
    models: {
      sonnet: { target: `aws/${modelId}` },
      'sonnet-wrong-secret': { target: `aws-wrong-secret/${modelId}` },
      'sonnet-api-key': { target: `aws-api-key/${modelId}` },
      'sonnet-converse': { target: `aws-converse/${modelId}` },
      nova: { target: 'aws/us.amazon.nova-pro-v1:0' },
      'titan-embed': { target: 'aws/amazon.titan-embed-text-v2:0' },
      'cohere-embed': { target: 'aws/cohere.embed-english-v3' },
      'cohere-embed-v4': { target: 'aws/us.cohere.embed-v4:0' },
      'cohere-rerank': { target: 'aws/cohere.rerank-v3-5:0' },
      canvas: { target: 'aws/amazon.nova-canvas-v1:0' },
      ultra: { target: 'aws/stability.stable-image-ultra-v1:1' },
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await signed.close();
  await keyed.close();
});

beforeEach(() => {
  signed.reset();
  keyed.reset();
});

/** The request's log line, once the request has ended. */
const logLineOf = (requestId: string | null) => logs.requestLine(requestId);

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('OpenAI client → Bedrock model (Converse, SigV4)', () => {
  it('signs the Converse call with SigV4 (the mock recomputes the signature) and maps the answer and cache usage', async () => {
    signed.enqueue({ content: 'Seattle is rainy. END here', usage: { inputTokens: 20, outputTokens: 4, cacheReadInputTokens: 100, cacheWriteInputTokens: 5 } });
    const completion = await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Seattle?' },
      ],
      stop: ['END'],
      temperature: 0.2,
      max_tokens: 64,
    });
    const upstream = signed.requests[0]!;
    expect(upstream.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    expect(upstream.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\/\d{8}\/us-west-2\/bedrock\/aws4_request, SignedHeaders=[^,]*x-amz-security-token[^,]*, Signature=[0-9a-f]{64}$/);
    expect(upstream.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(upstream.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Weather in Seattle?' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0.2, stopSequences: ['END'] },
    });
    expect(completion.choices[0]?.message.content).toBe('Seattle is rainy. ');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 125, completion_tokens: 4, total_tokens: 129, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 } });
  });

  it('answers 502 when Bedrock refuses the signature, without showing a secret', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sonnet-wrong-secret', messages: [{ role: 'user', content: 'x' }] }) });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'InvalidSignatureException', message: expect.stringContaining('signature we calculated does not match') });
    expect(text).not.toContain('SECRET');
    expect(signed.requests).toHaveLength(1);
  });

  it('sends a Bedrock API key as a bearer token instead of signing', async () => {
    const completion = await openai.chat.completions.create({ model: 'sonnet-api-key', messages: [{ role: 'user', content: 'hello' }] });
    expect(keyed.requests[0]?.headers.authorization).toBe(`Bearer ${bedrockApiKey}`);
    expect(completion.choices[0]?.message.content).toBe('Mock answer to: hello');
  });

  it('round-trips tools: toolSpecs and toolChoice out, toolUse back as tool_calls, results as toolResult blocks', async () => {
    signed.enqueue({ content: '', toolUses: [{ name: 'get_weather', input: { city: 'Paris' }, toolUseId: 'tooluse_1' }] });
    const first = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(signed.requests[0]?.body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: weatherTool.function.parameters } } }], toolChoice: { tool: { name: 'get_weather' } } });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toEqual({ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });

    // No tools on the follow-up: the mock refuses tool blocks without a toolConfig, as Bedrock does.
    const second = await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'sunny' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('Mock answer to: ');
    expect(signed.requests[1]?.body.messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'sunny' }] } }] });
  });

  it("sets a chat client's prompt caching marks (cache_control) as Converse cache points after the blocks they mark, the ttl kept", async () => {
    signed.enqueue({ usage: { inputTokens: 10, outputTokens: 3, cacheReadInputTokens: 2_000 } });
    const ephemeral = { type: 'ephemeral' };
    const completion = await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'The whole runbook…', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        { role: 'system', content: 'Today is Monday.' },
        { role: 'user', content: [{ type: 'text', text: 'the incident log…', cache_control: ephemeral }, { type: 'text', text: 'what failed?' }] },
      ],
      tools: [{ ...weatherTool, cache_control: ephemeral }],
    } as never);
    const body = signed.requests[0]!.body;
    expect(body.system).toEqual([{ text: 'The whole runbook…' }, { cachePoint: { type: 'default', ttl: '1h' } }, { text: 'Today is Monday.' }]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'the incident log…' }, { cachePoint: { type: 'default' } }, { text: 'what failed?' }] }]);
    expect(body.toolConfig.tools).toEqual([{ toolSpec: expect.objectContaining({ name: 'get_weather' }) }, { cachePoint: { type: 'default' } }]);
    expect((completion as OpenAI.ChatCompletion).usage?.prompt_tokens_details?.cached_tokens).toBe(2_000);

    // The request's own mark: after the conversation's last block; an unmarked system prompt stays one block.
    await openai.chat.completions.create({ model: 'sonnet', cache_control: ephemeral, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] } as never);
    expect(signed.requests[1]!.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(signed.requests[1]!.body.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }, { cachePoint: { type: 'default' } }] }]);
    // Four of the client's own already: no fifth (Bedrock refuses more).
    const part = (text: string) => ({ type: 'text', text, cache_control: ephemeral });
    await openai.chat.completions.create({ model: 'sonnet', cache_control: ephemeral, messages: [{ role: 'user', content: [part('a'), part('b'), part('c'), part('d'), { type: 'text', text: 'e' }] }] } as never);
    expect(signed.requests[2]!.body.messages[0].content.filter((block: object) => 'cachePoint' in block)).toHaveLength(4);
  });

  it('gives Claude\'s signed reasoning as reasoning_details and takes it back on a tool loop\'s next turn, whole or as the stream\'s pieces, as Converse requires with thinking on', async () => {
    const messages = [{ role: 'user' as const, content: 'weather?' }];
    const reasoningBlock = { reasoningContent: { reasoningText: { text: 'Look it up.', signature: 'mock-signature' } } };
    const toolUseBlock = { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Paris' } } };
    signed.enqueue({ reasoning: 'Look it up.', content: '', toolUses: [{ name: 'get_weather', input: { city: 'Paris' }, toolUseId: 'tooluse_2' }] });
    const first = await openai.chat.completions.create({ model: 'sonnet', messages, tools: [weatherTool], reasoning_effort: 'low' });
    expect(signed.requests[0]?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect((first.choices[0]!.message as unknown as { reasoning_details: unknown }).reasoning_details).toEqual([{ type: 'reasoning.text', text: 'Look it up.', signature: 'mock-signature', format: 'anthropic-claude-v1', index: 0 }]);
    const result = { role: 'tool' as const, tool_call_id: 'tooluse_2', content: 'sunny' };
    const second = await openai.chat.completions.create({ model: 'sonnet', messages: [...messages, first.choices[0]!.message, result], tools: [weatherTool], reasoning_effort: 'low' });
    expect(second.choices[0]?.message.content).toBe('Mock answer to: ');
    expect(signed.requests[1]?.body.messages[1]).toEqual({ role: 'assistant', content: [reasoningBlock, toolUseBlock] });

    // Streamed: the pieces (text, then the signature) sent back as they came.
    signed.enqueue({ reasoning: 'Look it up.', content: '', toolUses: [{ name: 'get_weather', input: { city: 'Paris' }, toolUseId: 'tooluse_2' }] });
    const pieces: unknown[] = [];
    for await (const chunk of await openai.chat.completions.create({ model: 'sonnet', stream: true, messages, tools: [weatherTool], reasoning_effort: 'low' })) {
      pieces.push(...((chunk.choices[0]?.delta as { reasoning_details?: unknown[] } | undefined)?.reasoning_details ?? []));
    }
    expect(pieces).toHaveLength(2);
    const streamedTurn = { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls, reasoning_details: pieces };
    await openai.chat.completions.create({ model: 'sonnet', messages: [...messages, streamedTurn, result], tools: [weatherTool], reasoning_effort: 'low' } as never);
    expect(signed.requests[3]?.body.messages[1]).toEqual({ role: 'assistant', content: [reasoningBlock, toolUseBlock] });
  });

  it('streams over the binary event stream: text, tool arguments that reassemble to the non-streamed ones, finish and usage', async () => {
    signed.enqueue({ content: 'streamed words here', stream: { chunkDelayMs: 5 } });
    const text = await openai.chat.completions.create({ model: 'sonnet', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }] });
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of text) {
      content += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(signed.requests[0]?.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream');
    expect(content).toBe('streamed words here');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3 });

    const input = { city: 'São Paulo', days: [1, 2, 3], note: 'say "hi"' };
    signed.enqueue({ content: '', toolUses: [{ name: 'get_weather', input, toolUseId: 'tooluse_s' }] });
    const whole = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] });
    signed.enqueue({ content: '', toolUses: [{ name: 'get_weather', input, toolUseId: 'tooluse_s' }], stream: { inputJsonPieces: 7 } });
    const stream = await openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] });
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(args).toBe((whole.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments);
    expect(finish).toBe('tool_calls');
  });

  it('answers response_format with JSON content, streamed and not', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } } };
    const format = { type: 'json_schema' as const, json_schema: { name: 'answer', schema } };
    signed.enqueue({ content: '', toolUses: [{ name: 'tollgate_json_response', input: { answer: 42 } }] });
    const whole = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'answer?' }], response_format: format });
    expect(JSON.parse(whole.choices[0]!.message.content!)).toEqual({ answer: 42 });
    expect(whole.choices[0]?.finish_reason).toBe('stop');
    signed.enqueue({ content: '', toolUses: [{ name: 'tollgate_json_response', input: { answer: 7 } }], stream: { inputJsonPieces: 3 } });
    const stream = await openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'answer?' }], response_format: format });
    let content = '';
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
    }
    expect(JSON.parse(content)).toEqual({ answer: 7 });
  });

  it('retries throttling, and ends a stream with an exception frame as a client-visible error', async () => {
    signed.enqueue({ error: { type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } });
    const retried = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] });
    expect(retried.choices[0]?.message.content).toBe('Mock answer to: x');
    expect(signed.requests).toHaveLength(2);

    signed.enqueue({ stream: { errorAfter: 3, chunkDelayMs: 5, exceptionType: 'internalServerException' } });
    const broken = await openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
    let streamed = '';
    const failure = await (async () => {
      for await (const chunk of broken) streamed += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);
    expect(streamed).toBe('Mock answer ');
    expect(String(failure)).toContain('unexpected error');
    expect(logs.raw.join('\n')).not.toContain('SECRET');
  });
});

describe('Anthropic client → Bedrock model through Converse (messagesAPI: false, or a model other than Claude)', () => {
  it('answers /v1/messages through Converse', async () => {
    for (const model of ['sonnet-converse', 'nova']) {
      signed.enqueue({ content: 'Hello from Bedrock' });
      const message = await anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
      expect(message.content).toEqual([{ type: 'text', text: 'Hello from Bedrock' }]);
      expect(signed.requests.at(-1)?.path).toMatch(/\/converse$/);
      expect(signed.requests.at(-1)?.body.inferenceConfig).toEqual({ maxTokens: 100 });
    }
  });

  it("turns Claude Code's prompt caching marks into Converse cache points", async () => {
    const ephemeral = { type: 'ephemeral' as const };
    await anthropic.messages.create({
      model: 'sonnet-converse',
      max_tokens: 100,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: ephemeral }],
      tools: [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: ephemeral }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'the repository map…', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'where is the router?' }] }],
    });
    const body = signed.requests.at(-1)!.body;
    expect(body.system).toEqual([{ text: 'You are Claude Code.' }, { cachePoint: { type: 'default' } }]);
    expect(body.messages[0].content).toEqual([{ text: 'the repository map…' }, { cachePoint: { type: 'default', ttl: '1h' } }, { text: 'where is the router?' }]);
    expect(body.toolConfig.tools).toEqual([{ toolSpec: expect.objectContaining({ name: 'Read' }) }, { cachePoint: { type: 'default' } }]);
  });

  it("carries Claude Code's tool loop with thinking: its effort turns thinking on, its signed thinking gets back to Claude first in the turn", async () => {
    const readTool = { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };
    const question = { role: 'user' as const, content: 'Why does the test fail?' };
    signed.enqueue({ reasoning: 'Read the parser.', content: '', toolUses: [{ name: 'Read', input: { path: 'parser.ts' }, toolUseId: 'tooluse_read' }] });
    const first = await anthropic.messages.create({ model: 'sonnet-converse', max_tokens: 4_096, output_config: { effort: 'low' }, tools: [readTool], messages: [question] } as never);
    expect(signed.requests[0]?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(first.content[0]).toEqual({ type: 'thinking', thinking: 'Read the parser.', signature: 'mock-signature' });

    signed.enqueue({ content: 'The parser drops the last token.' });
    const second = await anthropic.messages.create({
      model: 'sonnet-converse',
      max_tokens: 4_096,
      output_config: { effort: 'low' },
      tools: [readTool],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tooluse_read', content: 'export function parse() {}' }] }],
    } as never);
    expect(second.content).toEqual([{ type: 'text', text: 'The parser drops the last token.' }]);
    expect(signed.requests[1]?.body.messages[1].content[0]).toEqual({ reasoningContent: { reasoningText: { text: 'Read the parser.', signature: 'mock-signature' } } });
  });
});

describe('the reasoning asked for, as Claude on Bedrock thinks', () => {
  it("takes Claude Code's thinking budget and OpenRouter's reasoning object from a chat client as Converse's thinking budget; reasoning off, or a model other than Claude, gets none", async () => {
    await anthropic.messages.create({ model: 'sonnet-converse', max_tokens: 8_000, thinking: { type: 'enabled', budget_tokens: 3_000 }, messages: [{ role: 'user', content: 'hello' }] });
    expect(signed.requests.at(-1)?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 3_000 } });

    const chat = (model: string, reasoning: Record<string, unknown>) => openai.chat.completions.create({ model, max_tokens: 8_000, messages: [{ role: 'user', content: 'hello' }], reasoning } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await chat('sonnet', { max_tokens: 5_000 });
    expect(signed.requests.at(-1)?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 5_000 } });
    // xhigh's 32,768 is not under the request's 8,000: Claude takes a budget under max_tokens only, so half of it.
    await chat('sonnet', { effort: 'xhigh' });
    expect(signed.requests.at(-1)?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4_000 } });
    // Without a limit of the client's, the answer gets room past the budget.
    await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hello' }], reasoning: { effort: 'xhigh' } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(signed.requests.at(-1)?.body).toMatchObject({ inferenceConfig: { maxTokens: 32_768 + 4_096 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 32_768 } } });
    await chat('sonnet', { effort: 'none' });
    expect(signed.requests.at(-1)?.body).not.toHaveProperty('additionalModelRequestFields');
    await chat('nova', { max_tokens: 5_000 });
    expect(signed.requests.at(-1)?.body).not.toHaveProperty('additionalModelRequestFields');
    // A response_format is a forced JSON tool on Converse, which Claude refuses with thinking: none.
    signed.enqueue({ toolUses: [{ name: 'tollgate_json_response', input: { sky: 'blue' } }] });
    const json = await openai.chat.completions.create({ model: 'sonnet', max_tokens: 8_000, messages: [{ role: 'user', content: 'hello' }], reasoning: { max_tokens: 5_000 }, response_format: { type: 'json_object' } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(json.choices[0]?.message.content).toBe('{"sky":"blue"}');
    expect(signed.requests.at(-1)?.body).not.toHaveProperty('additionalModelRequestFields');
  });
});

describe('Anthropic client (Claude Code) → Claude on Bedrock through InvokeModel, as sent', () => {
  const readTool = { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };
  /** A Claude Code turn: thinking on, its signed thinking in history, cache marks, its session in metadata. */
  const claudeCodeTurn = {
    model: 'sonnet',
    max_tokens: 2_048,
    thinking: { type: 'enabled', budget_tokens: 1_024 },
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    metadata: { user_id: 'user_abc_account__session_1' },
    tools: [readTool],
    messages: [
      { role: 'user', content: 'Why does the test fail?' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'Read the parser.', signature: 'sig_earlier' }, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'parser.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'export function parse() {}' }, { type: 'text', text: 'Go on.', cache_control: { type: 'ephemeral' } }] },
    ],
  };
  const betas = { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14, context-1m-2025-08-07' } };
  const { model: _model, ...sentFields } = claudeCodeTurn;
  /** What InvokeModel must receive: the client's body without `model` and `stream`, with Bedrock's version and the client's betas. */
  const expectedBody = { ...sentFields, anthropic_version: 'bedrock-2023-05-31', anthropic_beta: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'] };
  const reply = { reasoning: 'The last token is dropped.', content: 'The parser drops the last token.', usage: { inputTokens: 40, outputTokens: 12, cacheReadInputTokens: 1_000 } };
  const answer = [{ type: 'thinking', thinking: 'The last token is dropped.', signature: 'sig_mock' }, { type: 'text', text: 'The parser drops the last token.' }];

  it('sends the turn to /invoke as the client sent it (thinking, its signed history, cache marks) and answers with Claude\'s own message', async () => {
    signed.enqueue(reply);
    const { data: message, response } = await anthropic.messages.create(claudeCodeTurn as never, betas).withResponse();
    const upstream = signed.requests.at(-1)!;
    expect(upstream.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke');
    expect(upstream.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\//);
    expect(upstream.body).toEqual(expectedBody);
    expect((message as Anthropic.Message).content).toEqual(answer);
    expect((message as Anthropic.Message).id).toMatch(/^msg_bdrk_mock/);
    expect((message as Anthropic.Message).usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 1_000, output_tokens: 12 });
    const line = await logLineOf(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ ingress: 'anthropic', provider: 'aws', promptTokens: 1_040, completionTokens: 12, finishReason: 'stop', responseId: (message as Anthropic.Message).id });
  });

  it('streams Claude\'s events from /invoke-with-response-stream to the client as the Messages API streams them', async () => {
    signed.enqueue(reply);
    const stream = anthropic.messages.stream(claudeCodeTurn as never, betas);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    const upstream = signed.requests.at(-1)!;
    expect(upstream.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream');
    expect(upstream.body).toEqual(expectedBody);
    expect(final.content).toEqual(answer);
    // Every event Claude sent, in order: the thinking block (its text, then its signature), the text word by word.
    const thinking = ['content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop'];
    const text = ['content_block_start', ...Array<string>(6).fill('content_block_delta'), 'content_block_stop'];
    expect(types).toEqual(['message_start', ...thinking, ...text, 'message_delta', 'message_stop']);
    const line = await logLineOf((await stream.withResponse()).response.headers.get('x-request-id'));
    expect(line).toMatchObject({ stream: true, provider: 'aws', promptTokens: 1_040, completionTokens: 12, finishReason: 'stop', responseId: final.id });
  });

  it("ends the client's stream with an error event when Bedrock sends an exception frame, and refuses what Bedrock refuses", async () => {
    signed.enqueue({ ...reply, stream: { errorAfter: 4, chunkDelayMs: 5, exceptionType: 'modelStreamErrorException' } });
    const stream = anthropic.messages.stream(claudeCodeTurn as never, betas);
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(String(failure)).toContain('unexpected error');

    // A turn Bedrock refuses (a version of the Messages API it does not serve): its 400, as it said it.
    const refused = await anthropic.messages.create({ ...claudeCodeTurn, anthropic_version: 'bedrock-2099-01-01' } as never).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
    expect(String(refused)).toContain('Invalid API version');
    expect(logs.raw.join('\n')).not.toContain('SECRET');
  });

  it('sends a step of a tool loop another model made (no signed thinking, which Claude refuses with thinking on) with thinking off', async () => {
    const unsigned = { ...claudeCodeTurn, messages: [claudeCodeTurn.messages[0], { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'parser.ts' } }] }, claudeCodeTurn.messages[2]] };
    signed.enqueue({ content: 'The parser drops the last token.' });
    const answer = await anthropic.messages.create(unsigned as never);
    expect(answer.content).toEqual([{ type: 'text', text: 'The parser drops the last token.' }]);
    expect(signed.requests.at(-1)?.body.thinking).toEqual({ type: 'disabled' });
  });
});

describe("Anthropic client → Bedrock's CountTokens", () => {
  it("counts Claude Code's prompt with the model's own tokenizer, at the foundation model behind a cross-region profile", async () => {
    const counted = await anthropic.messages.countTokens({ model: 'sonnet', system: 'You are terse.', messages: [{ role: 'user', content: 'one two three four' }], tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }] });
    expect(counted.input_tokens).toBe(7);
    const upstream = signed.requests[0]!;
    expect(upstream.path).toBe('/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
    expect(upstream.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\//);
    expect(upstream.body.input.converse).toMatchObject({
      messages: [{ role: 'user', content: [{ text: 'one two three four' }] }],
      system: [{ text: 'You are terse.' }],
      toolConfig: { tools: [{ toolSpec: expect.objectContaining({ name: 'get_weather' }) }] },
    });
  });

  it("answers Bedrock's refusal as a 400 for a model that cannot count", async () => {
    const refused = await anthropic.messages.countTokens({ model: 'nova', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as InstanceType<typeof Anthropic.BadRequestError>).message).toContain("The provided model doesn't support counting tokens.");
  });
});

describe('rerank on Bedrock (the Agent Runtime\'s Rerank API)', () => {
  it('ranks the documents through a signed Rerank call naming the model\'s ARN, answers in the rerank API\'s shape, priced per query', async () => {
    const documents = ['Paris is the capital of France.', 'Berlin is the capital of Germany.', { text: 'The capital of France has many museums.' }];
    const { data, response } = await openai.post<Record<string, any>>('/rerank', { body: { model: 'cohere-rerank', query: 'capital of France', documents, top_n: 2, return_documents: true } }).withResponse();
    const sent = signed.requests[0]!;
    expect(sent.path).toBe('/rerank');
    expect(String(sent.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
    expect(sent.body).toEqual({
      queries: [{ type: 'TEXT', textQuery: { text: 'capital of France' } }],
      sources: ['Paris is the capital of France.', 'Berlin is the capital of Germany.', 'The capital of France has many museums.'].map((text) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text } } })),
      rerankingConfiguration: { type: 'BEDROCK_RERANKING_MODEL', bedrockRerankingConfiguration: { numberOfResults: 2, modelConfiguration: { modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/cohere.rerank-v3-5:0' } } },
    });
    expect(data).toEqual({
      model: 'cohere.rerank-v3-5:0',
      results: [
        { index: 0, relevance_score: 0.99, document: { text: 'Paris is the capital of France.' } },
        { index: 2, relevance_score: 0.93, document: { text: 'The capital of France has many museums.' } },
      ],
    });
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ operation: 'rerank', provider: 'aws', promptTokens: 0, costMicros: 2_000 });

    // Bedrock bills a query per 100 documents: 150 are two.
    const many = Array.from({ length: 150 }, (_, index) => `Document ${index}`);
    const billed = await openai.post('/rerank', { body: { model: 'cohere-rerank', query: 'capital of France', documents: many, top_n: 2 } }).withResponse();
    expect(billed.response.headers.get('x-tollgate-cost')).toBe('0.004');
  });

  it('answers Bedrock\'s refusal of a model that is not a reranker as its error', async () => {
    const refused = await openai.post('/rerank', { body: { model: 'nova', query: 'q', documents: ['d'] } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('The provided model identifier is invalid: arn:aws:bedrock:us-west-2::foundation-model/us.amazon.nova-pro-v1:0');
  });
});

describe('OpenAI client → Titan Text Embeddings on Bedrock', () => {
  it('embeds each text through a signed InvokeModel call, the vectors in input order, the tokens Titan counted as usage', async () => {
    const texts = ['the quick brown fox', 'jumps over', 'the lazy dog today'];
    const answer = await openai.embeddings.create({ model: 'titan-embed', input: texts, dimensions: 256, encoding_format: 'float' });
    expect(answer.data.map((item) => item.embedding)).toEqual(texts.map((text) => mockEmbedding(text, 256)));
    expect(answer.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    const calls = signed.requests;
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.path).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
      expect(call.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\//);
    }
    expect(calls.map((call) => call.body.inputText).sort()).toEqual([...texts].sort());
    expect(calls.every((call) => call.body.dimensions === 256)).toBe(true);

    // Titan refuses a size it does not make; the client gets its 400.
    const refused = await openai.embeddings.create({ model: 'titan-embed', input: 'hi', dimensions: 300 }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('300 is not a valid enum value');
  });

  it('refuses embeddings for a model whose body it does not translate', async () => {
    const refused = await openai.embeddings.create({ model: 'nova', input: 'hi' }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('embeds with Titan Text Embeddings (amazon.titan-embed-text-…) and Cohere Embed (cohere.embed-…) models only');
    expect(signed.requests).toHaveLength(0);
  });
});

describe('OpenAI client → Cohere Embed on Bedrock', () => {
  it('embeds 96 texts a signed InvokeModel call, in input order, the tokens Bedrock counted as usage, priced', async () => {
    const texts = Array.from({ length: 100 }, (_, index) => `passage number ${index} of the handbook`);
    const { data: answer, response } = await openai.embeddings.create({ model: 'cohere-embed', input: texts, encoding_format: 'float' }).withResponse();
    expect(answer.data.map((item) => item.index)).toEqual(texts.map((_, index) => index));
    expect(answer.data.map((item) => item.embedding)).toEqual(texts.map((text) => mockEmbedding(text, 1024)));
    // Six words a text, counted by Bedrock in its header.
    expect(answer.usage).toEqual({ prompt_tokens: 600, total_tokens: 600 });
    expect(Number(response.headers.get('x-tollgate-cost'))).toBeCloseTo((600 * 0.1) / 1_000_000, 12);
    const calls = signed.requests;
    expect(calls.map((call) => call.body.texts.length).sort((a: number, b: number) => b - a)).toEqual([96, 4]);
    for (const call of calls) {
      expect(call.path).toBe('/model/cohere.embed-english-v3/invoke');
      expect(call.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\//);
      // A corpus by default; vectors as floats, by type.
      expect(call.body).toMatchObject({ input_type: 'search_document', embedding_types: ['float'] });
    }
  });

  it("takes the client's input_type, shortens v4's vectors, and refuses what Cohere would", async () => {
    const query = await openai.embeddings.create({ model: 'cohere-embed-v4', input: 'where is the handbook?', dimensions: 256, input_type: 'search_query' } as OpenAI.EmbeddingCreateParams);
    expect(query.data[0]!.embedding).toHaveLength(256);
    expect(signed.requests[0]!.path).toBe('/model/us.cohere.embed-v4%3A0/invoke');
    expect(signed.requests[0]!.body).toEqual({ texts: ['where is the handbook?'], input_type: 'search_query', embedding_types: ['float'], output_dimension: 256 });
    const base64 = await openai.embeddings.create({ model: 'cohere-embed', input: 'packed' });
    expect(typeof base64.data[0]!.embedding).toBe('object'); // the SDK decodes the base64 it asked for
    expect(base64.data[0]!.embedding).toHaveLength(1024);
    const v3Dimensions = await openai.embeddings.create({ model: 'cohere-embed', input: 'hi', dimensions: 256 }).catch((error: unknown) => error);
    expect(v3Dimensions).toMatchObject({ status: 400, param: 'dimensions' });
    expect((v3Dimensions as Error).message).toContain('Embed v3 makes vectors of 1024 dimensions only');
    const badType = await openai.embeddings.create({ model: 'cohere-embed', input: 'hi', input_type: 'poetry' } as OpenAI.EmbeddingCreateParams).catch((error: unknown) => error);
    expect(badType).toMatchObject({ status: 400, param: 'input_type' });
    const ids = await openai.embeddings.create({ model: 'cohere-embed', input: [1734, 318] }).catch((error: unknown) => error);
    expect(ids).toMatchObject({ status: 400, param: 'input' });
    expect(signed.requests).toHaveLength(2);
  });

  it('draws images with Nova Canvas through a signed InvokeModel call, priced by the image; its content filter is a 400', async () => {
    const { data: answer, response } = await openai.images.generate({ model: 'canvas', prompt: 'a red kite over the sea', n: 2, size: '1024x576', quality: 'high' }).withResponse();
    expect(signed.requests).toHaveLength(1);
    expect(signed.requests[0]!.path).toBe(`/model/${encodeURIComponent('amazon.nova-canvas-v1:0')}/invoke`);
    expect(signed.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTOLLGATETEST0001\//);
    expect(signed.requests[0]!.body).toEqual({ taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a red kite over the sea' }, imageGenerationConfig: { numberOfImages: 2, width: 1024, height: 576, quality: 'premium' } });
    expect(answer.data).toEqual([{ b64_json: bedrockMockImage }, { b64_json: bedrockMockImage }]);
    // Two images at $0.04.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.08');

    const filtered = await openai.images.generate({ model: 'canvas', prompt: 'something forbidden' }).catch((error: unknown) => error);
    expect((filtered as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((filtered as InstanceType<typeof OpenAI.APIError>).message).toContain('blocked by our content filters');
    // A size Nova Canvas cannot draw: Bedrock's own refusal.
    const odd = await openai.images.generate({ model: 'canvas', prompt: 'a kite', size: '1000x1000' }).catch((error: unknown) => error);
    expect((odd as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((odd as InstanceType<typeof OpenAI.APIError>).message).toContain('multiple of 16');
    // A chat model is no image model.
    const chat = await openai.images.generate({ model: 'nova', prompt: 'a kite' }).catch((error: unknown) => error);
    expect((chat as InstanceType<typeof OpenAI.APIError>).message).toContain('Amazon Nova Canvas, Titan Image Generator and Stability AI');
    expect(signed.requests).toHaveLength(3);
  });

  it("draws with Stability's models one image a call, the size as its aspect ratio; a filtered prompt is a 400 with Stability's reason", async () => {
    const { data: answer, response } = await openai.images.generate({ model: 'ultra', prompt: 'a red kite over the sea', n: 2, size: '1536x1024' }).withResponse();
    expect(signed.requests).toHaveLength(2);
    expect(signed.requests[0]!.path).toBe(`/model/${encodeURIComponent('stability.stable-image-ultra-v1:1')}/invoke`);
    expect(signed.requests[0]!.body).toEqual({ prompt: 'a red kite over the sea', aspect_ratio: '3:2', output_format: 'png' });
    expect(answer.data).toEqual([{ b64_json: bedrockMockImage }, { b64_json: bedrockMockImage }]);
    // Two images at $0.14.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.28');

    const filtered = await openai.images.generate({ model: 'ultra', prompt: 'something forbidden' }).catch((error: unknown) => error);
    expect((filtered as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((filtered as InstanceType<typeof OpenAI.APIError>).message).toContain('Filter reason: prompt');
    // A ratio Stability does not draw at, refused before any call.
    const odd = await openai.images.generate({ model: 'ultra', prompt: 'a kite', size: '1024x768' }).catch((error: unknown) => error);
    expect((odd as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((odd as InstanceType<typeof OpenAI.APIError>).param).toBe('size');
    expect(signed.requests).toHaveLength(3);
  });
});
