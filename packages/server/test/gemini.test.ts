import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockGemini, type MockGemini } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

const geminiKey = 'AIzaSy-upstream-SECRET-0123456789';
let gemini: MockGemini;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  gemini = await createMockGemini({ apiKey: geminiKey });
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-gemini'],
    auth: { masterKey },
    providers: { google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: geminiKey } },
    routing: { retries: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 } },
    models: { flash: { target: 'google/gemini-2.5-flash' } },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await gemini.close();
});

beforeEach(() => gemini.reset());

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('OpenAI client → Gemini model (translated)', () => {
  it('sends a GenerateContentRequest with the provider key, and maps the answer and usage (cached and thinking tokens)', async () => {
    gemini.enqueue({ content: 'Paris is lovely. END of story', thought: 'thinking about Paris', usage: { promptTokenCount: 120, cachedContentTokenCount: 100, thoughtsTokenCount: 7 } });
    const completion = await openai.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about Paris' },
      ],
      stop: ['END'],
      temperature: 0.2,
      max_tokens: 50,
    });
    const upstream = gemini.requests[0]!;
    expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.headers['x-goog-api-key']).toBe(geminiKey);
    expect(upstream.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Tell me about Paris' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 50, temperature: 0.2, stopSequences: ['END'] },
    });
    expect(completion.choices[0]?.message.content).toBe('Paris is lovely. ');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 10, total_tokens: 130, prompt_tokens_details: { cached_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 7 } });
  });

  it('round-trips a tool call: declarations and tool_choice out, the call back, its result sent with the function name and thought signature', async () => {
    gemini.enqueue({ content: '', functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
    const first = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool], tool_choice: 'required' });
    expect(gemini.requests[0]?.body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weatherTool.function.parameters }] }]);
    expect(gemini.requests[0]?.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    const signed = { id: 'fc_1__thought__c2lnbmF0dXJl', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Rome"}' } };
    await openai.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { role: 'assistant', content: null, tool_calls: [call, signed] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny' },
        { role: 'tool', tool_call_id: signed.id, content: '{"sky":"rainy"}' },
      ],
      tools: [weatherTool],
    });
    expect(gemini.requests[1]?.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { id: 'fc_1', name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'c2lnbmF0dXJl' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: 'sunny' } } }, { functionResponse: { id: 'fc_1', name: 'get_weather', response: { sky: 'rainy' } } }] },
    ]);
  });

  it('streams text and tool calls over SSE, ending with the finish reason and usage', async () => {
    gemini.enqueue({ content: 'streamed words here', stream: { chunkDelayMs: 5 } });
    const text = await openai.chat.completions.create({ model: 'flash', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }] });
    let content = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of text) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(gemini.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(content).toBe('streamed words here');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });

    gemini.enqueue({ content: '', functionCalls: [{ name: 'get_weather', args: { city: 'São Paulo', days: [1, 2] }, id: 'fc_9' }] });
    const tools = await openai.chat.completions.create({ model: 'flash', stream: true, messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] });
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    for await (const chunk of tools) calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(calls).toEqual([{ index: 0, id: 'fc_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"São Paulo","days":[1,2]}' } }]);
  });

  it('maps Gemini errors: RESOURCE_EXHAUSTED retried after its RetryInfo delay, an invalid key to 502 without the key, a stream error event to a stream error', async () => {
    gemini.enqueue({ error: { status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' }] } });
    const retried = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'x' }] });
    expect(retried.choices[0]?.message.content).toBe('Mock answer to: x');
    expect(gemini.requests).toHaveLength(2);
    expect(gemini.requests[1]!.receivedAt - gemini.requests[0]!.receivedAt).toBeGreaterThanOrEqual(45);

    gemini.enqueue({ error: { status: 'INVALID_ARGUMENT', message: `API key not valid: ${geminiKey}`, details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }] } });
    const auth = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'flash', messages: [{ role: 'user', content: 'x' }] }) });
    expect(auth.status).toBe(502);
    const body = await auth.text();
    expect(body).not.toContain('SECRET');
    expect(JSON.parse(body).error.code).toBe('invalid_argument');

    gemini.enqueue({ stream: { errorAfter: 2, chunkDelayMs: 5, errorStatus: 'UNAVAILABLE' } });
    const broken = await openai.chat.completions.create({ model: 'flash', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
    let streamed = '';
    const failure = await (async () => {
      for await (const chunk of broken) streamed += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);
    expect(streamed).toBe('Mock answer ');
    expect(String(failure)).toContain('overloaded');
    expect(logs.raw.join('\n')).not.toContain(geminiKey);
  });

  it('answers a prompt Gemini blocked with finish_reason content_filter', async () => {
    gemini.enqueue({ blockReason: 'SAFETY' });
    const blocked = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'something unsafe' }] });
    expect(blocked.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'content_filter' });
  });
});

describe('Anthropic client → Gemini model (translated through the canonical form)', () => {
  it('answers /v1/messages from a Gemini model, streamed and not, and counts tokens with countTokens', async () => {
    gemini.enqueue({ content: 'Bonjour from Gemini' });
    const message = await anthropic.messages.create({ model: 'flash', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour from Gemini' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ maxOutputTokens: 100 });

    const counted = await anthropic.messages.countTokens({ model: 'flash', system: 'Be brief', messages: [{ role: 'user', content: 'count these four words' }] });
    expect(counted.input_tokens).toBe(6);
    expect(gemini.requests.at(-1)?.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(gemini.requests.at(-1)?.body).toEqual({ generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'count these four words' }] }], systemInstruction: { parts: [{ text: 'Be brief' }] } } });

    gemini.enqueue({ content: 'streamed to Claude Code' });
    const stream = anthropic.messages.stream({ model: 'flash', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'streamed to Claude Code' }]);
  });
});
