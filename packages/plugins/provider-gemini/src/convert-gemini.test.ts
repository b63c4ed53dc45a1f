import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk } from '@tollgate/core';
import { convertFromGeminiResponse } from './convert-from-gemini-response.js';
import { convertGeminiStream } from './convert-gemini-stream.js';
import { convertToGeminiRequest, foreignCallSignature } from './convert-to-gemini-request.js';
import type { GeminiResponse } from './gemini-content.js';
import { toGeminiProviderError } from './gemini-error.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** Feeds a recorded stream in pieces cut at awkward places (mid-event, mid-CRLF). */
async function* pieces(text: string, size = 37): AsyncGenerator<Buffer> {
  for (let start = 0; start < text.length; start += size) yield Buffer.from(text.slice(start, start + size));
}

const signature = 'CiQBcsjafE1tW7fG0yVt1e3x6UuFXj3p3Yq2mY7kH0b5f9T2Zz8=';
const options = { model: 'gemini-2.5-flash', includeThoughts: false };

async function collect(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of convertGeminiStream(pieces(text), { provider: 'google', model: 'gemini-2.5-flash', secrets: [] })) chunks.push(chunk);
  return chunks;
}

describe('recorded Gemini API samples', () => {
  it('maps a function-call answer with a thought, its signature, and cached and thinking usage', () => {
    const response = convertFromGeminiResponse(JSON.parse(fixture('generate-content-function-call.json')) as GeminiResponse, 'gemini-2.5-flash');
    expect(response.id).toBe('mG3SaNyBNYyxz7IPq6S4wAk');
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me check the weather in Paris.',
        tool_calls: [{ id: `call_tgmG3SaNyBNYyxz7IPq6S4wAk_0_0__thought__${signature}`, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' } }],
        reasoning_content: 'The user wants the weather in Paris; I should call the tool.',
      },
      finish_reason: 'tool_calls',
    });
    // completion = candidates + thoughts (both billed as output); cached tokens are inside the prompt count.
    expect(response.usage).toEqual({ prompt_tokens: 2150, completion_tokens: 95, total_tokens: 2245, prompt_tokens_details: { cached_tokens: 2048 }, completion_tokens_details: { reasoning_tokens: 64 } });
  });

  it('sends a tool call back with its thought signature and the function name its result needs', () => {
    const response = convertFromGeminiResponse(JSON.parse(fixture('generate-content-function-call.json')) as GeminiResponse, 'gemini-2.5-flash');
    const call = response.choices[0]!.message.tool_calls![0]!;
    const body = convertToGeminiRequest(
      {
        model: 'x',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '{"temperature":18}' },
          { role: 'tool', tool_call_id: call.id, content: 'sunny' },
        ],
      },
      options,
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris, France', unit: 'celsius' } }, thoughtSignature: signature }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 18 } } }, { functionResponse: { name: 'get_weather', response: { result: 'sunny' } } }] },
    ]);
  });

  it('decodes a recorded stream: text, two whole function calls, the finish, then usage', async () => {
    const chunks = await collect(fixture('stream-text-and-function-calls.sse.txt'));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Okay, checking the weather.');
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((call) => [call.index, call.function?.name, JSON.parse(call.function?.arguments ?? '')])).toEqual([
      [0, 'get_weather', { location: 'Paris, France', unit: 'celsius' }],
      [1, 'get_time', { timezone: 'Europe/Paris' }],
    ]);
    expect(calls[0]?.id?.endsWith(`__thought__${signature}`)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ id: 'qH3SaOKbGMSuz7IP3MLkqQ8', choices: [], usage: { prompt_tokens: 412, completion_tokens: 110, total_tokens: 522, prompt_tokens_details: { cached_tokens: 256 }, completion_tokens_details: { reasoning_tokens: 72 } } });
  });

  it('ends a truncated stream with an error instead of a silent success', async () => {
    const text = fixture('stream-text-and-function-calls.sse.txt');
    const cut = text.slice(0, text.lastIndexOf('data:'));
    await expect(collect(cut)).rejects.toSatisfy((error) => GatewayError.isInstance(error) && error.code === 'TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
  });

  it('fails a stream on an error event with the error\'s status', async () => {
    const text = fixture('stream-text-and-function-calls.sse.txt').split('\r\n\r\n')[0] + '\r\n\r\ndata: {"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}\r\n\r\n';
    await expect(collect(text)).rejects.toMatchObject({ status: 503, retryable: true, wireCode: 'unavailable', message: expect.stringContaining('The model is overloaded') });
  });

  it('maps a recorded 429: retryable, retry delay from RetryInfo', () => {
    const error = toGeminiProviderError({ provider: 'google', status: 429, headers: {}, bodyText: fixture('error-resource-exhausted.json'), secrets: [] });
    expect(error).toMatchObject({ status: 429, retryable: true, wireCode: 'resource_exhausted', retryAfterMs: 21_500 });
  });

  it('maps a recorded invalid-key 400 to the gateway\'s credential problem (502), not the client\'s', () => {
    const error = toGeminiProviderError({ provider: 'google', status: 400, headers: {}, bodyText: fixture('error-api-key-invalid.json'), secrets: [] });
    expect(error).toMatchObject({ status: 502, retryable: false });
    expect(error.message).toContain('Check providers.google.apiKey');
  });

  it('maps a prompt over the input limit to context_length_exceeded', () => {
    const bodyText = JSON.stringify({ error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } });
    expect(toGeminiProviderError({ provider: 'google', status: 400, headers: {}, bodyText, secrets: [] })).toMatchObject({ status: 400, wireCode: 'context_length_exceeded' });
  });
});

describe('convertToGeminiRequest', () => {
  it('gives a tool message\'s images and files (as OpenRouter\'s chat clients send them) as the function response\'s parts; refuses one by URL', () => {
    const call = { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'screenshot', arguments: '{}' } }] };
    const tool = (content: unknown) => ({ role: 'tool' as const, tool_call_id: 'call_1', content }) as never;
    const body = convertToGeminiRequest({ model: 'x', messages: [{ role: 'user', content: 'Look.' }, call, tool([{ type: 'text', text: 'page.png' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }])] }, options);
    expect(body.contents[2]).toEqual({ role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'screenshot', response: { result: 'page.png' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] } }] });
    expect(() => convertToGeminiRequest({ model: 'x', messages: [{ role: 'user', content: 'Look.' }, call, tool([{ type: 'image_url', image_url: { url: 'https://example.com/page.png' } }])] }, options)).toThrow(/takes a tool result's images and files as base64 data: URLs only/);
  });

  it('maps system, sampling, stop, n, response_format, tools, tool_choice and reasoning_effort', () => {
    const body = convertToGeminiRequest(
      {
        model: 'x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'Use metric units.' },
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } }] },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 100,
        stop: 'END',
        n: 2,
        seed: 7,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        reasoning_effort: 'low',
      },
      { model: 'gemini-2.5-pro', includeThoughts: true },
    );
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.\n\nUse metric units.' }] },
      contents: [{ role: 'user', parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }, { fileData: { fileUri: 'https://example.com/cat.webp', mimeType: 'image/webp' } }] }],
      generationConfig: {
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['END'],
        candidateCount: 2,
        seed: 7,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
    expect(convertToGeminiRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' }, { model: 'gemini-3-pro-preview', includeThoughts: false }).generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'high' } });
  });

  it('sets thinking by model: a budget within Gemini 2.5\'s largest (Pro\'s is larger), Gemini 3\'s level for a budget; reasoning off where the model cannot stop thinking', () => {
    const thinking = (model: string, reasoning: unknown) => convertToGeminiRequest({ model, messages: [{ role: 'user', content: 'hi' }], reasoning }, { model, includeThoughts: false }).generationConfig?.thinkingConfig;
    expect(thinking('gemini-2.5-pro', { max_tokens: 40_000 })).toEqual({ thinkingBudget: 32_768, includeThoughts: true });
    expect(thinking('gemini-2.5-flash-lite', { max_tokens: 40_000, exclude: true })).toEqual({ thinkingBudget: 24_576 });
    expect(thinking('gemini-3-flash-preview', { max_tokens: 2_000 })).toEqual({ thinkingLevel: 'low', includeThoughts: true });
    expect(thinking('gemini-3-pro-preview', { max_tokens: 20_000 })).toEqual({ thinkingLevel: 'high', includeThoughts: true });
    expect(thinking('gemini-2.5-pro', { enabled: false })).toEqual({ thinkingBudget: 128 });
    expect(thinking('gemini-3-pro-preview', { effort: 'none' })).toEqual({ thinkingLevel: 'low' });
    expect(thinking('gemini-2.5-flash', { enabled: true })).toEqual({ includeThoughts: true });
  });

  it("signs another model's tool calls for Gemini 3 with the signature Google documents for them: the first of a step, unless Gemini signed the step", () => {
    const request = {
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user' as const, content: 'read both' },
        { role: 'assistant' as const, content: null, tool_calls: [{ id: 'toolu_1', type: 'function' as const, function: { name: 'read', arguments: '{}' } }, { id: 'toolu_2', type: 'function' as const, function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool' as const, tool_call_id: 'toolu_1', content: 'a' },
        { role: 'tool' as const, tool_call_id: 'toolu_2', content: 'b' },
        { role: 'assistant' as const, content: null, tool_calls: [{ id: `fc_1__thought__${signature}`, type: 'function' as const, function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool' as const, tool_call_id: `fc_1__thought__${signature}`, content: 'c' },
      ],
    };
    const parts = (model: string) => convertToGeminiRequest({ ...request, model }, { model, includeThoughts: false }).contents.filter((content) => content.role === 'model').map((content) => content.parts.map((part) => part.thoughtSignature));
    expect(parts('gemini-3-pro-preview')).toEqual([[foreignCallSignature, undefined], [signature]]);
    // Gemini 2.5 checks none: another model's calls go as they came.
    expect(parts('gemini-2.5-flash')).toEqual([[undefined, undefined], [signature]]);
  });

  it('refuses what it cannot translate with a 400 naming the field', () => {
    const refusal = (request: Parameters<typeof convertToGeminiRequest>[0]) => {
      try {
        convertToGeminiRequest(request, options);
      } catch (error) {
        return GatewayError.isInstance(error) ? [error.status, error.param] : ['not a GatewayError'];
      }
      return ['no error'];
    };
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'flac' } }] }] })).toEqual([400, 'messages[0].content[0]']);
    expect(refusal({ model: 'x', messages: [{ role: 'tool', tool_call_id: 'nobody', content: 'x' }] })).toEqual([400, 'messages[0].tool_call_id']);
    expect(refusal({ model: 'x', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] })).toEqual([400, 'messages[0].tool_calls[0].function.arguments']);
  });
});
