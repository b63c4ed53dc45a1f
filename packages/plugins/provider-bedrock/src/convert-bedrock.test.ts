import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk } from '@tollgate/core';
import { bedrockExceptionEvent, toolStepOfAnotherModel, toolStepOfClaude } from '@tollgate/testkit';
import type { BedrockResponse } from './bedrock-content.js';
import { toBedrockProviderError } from './bedrock-error.js';
import { convertBedrockStream } from './convert-bedrock-stream.js';
import { convertFromBedrockResponse } from './convert-from-bedrock-response.js';
import { convertToBedrockRequest } from './convert-to-bedrock-request.js';
import { jsonResponseToolName } from './json-response-tool.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

/** Feeds a recorded event stream in pieces cut at awkward places (inside preludes, headers and payloads). */
async function* pieces(bytes: Uint8Array, size = 37): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function collect(bytes: Uint8Array): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of convertBedrockStream(pieces(bytes), { provider: 'aws', id: 'chatcmpl-1', model: 'm', secrets: [] })) chunks.push(chunk);
  return chunks;
}

const options = { model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' };

describe('recorded Converse samples', () => {
  it('maps a tool-use answer with reasoning and cache usage', () => {
    const response = convertFromBedrockResponse(JSON.parse(fixture('converse-tool-use.json').toString()) as BedrockResponse, { id: 'chatcmpl-1', model: 'claude' });
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the weather in Seattle.",
        tool_calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Seattle, WA","unit":"celsius"}' } }],
        reasoning_content: 'The user wants the weather; I should call the tool.',
        reasoning_details: [{ type: 'reasoning.text', text: 'The user wants the weather; I should call the tool.', signature: 'ErUBCkYIBBgCIkDtS3Xq', format: 'anthropic-claude-v1', index: 0 }],
      },
      finish_reason: 'tool_calls',
    });
    expect(response.usage).toEqual({ prompt_tokens: 3484, completion_tokens: 89, total_tokens: 3573, prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 1024 } });
  });

  it('decodes a recorded binary event stream cut mid-frame: text, tool arguments that reassemble exactly, finish, usage', async () => {
    const chunks = await collect(fixture('converse-stream-text-and-tool-use.eventstream'));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Let me check the weather.');
    const args = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'Seattle, WA', unit: 'fahrenheit' });
    expect(chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id)?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'tooluse_Ys8yQm3lTmWbJ0N7vW0BXg', function: { name: 'get_weather' } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1072, completion_tokens: 89, prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 0 } } });
  });

  it('ends a stream cut inside a frame, or before messageStop, with a truncation error', async () => {
    const bytes = fixture('converse-stream-text-and-tool-use.eventstream');
    const truncated = (error: unknown) => GatewayError.isInstance(error) && error.code === 'TOLLGATE_UPSTREAM_STREAM_TRUNCATED';
    await expect(collect(bytes.subarray(0, bytes.length - 10))).rejects.toSatisfy(truncated);
    // Whole frames up to (not including) messageStop: every frame decodes, but the answer never finished.
    let boundary = 0;
    while (!bytes.subarray(boundary, boundary + bytes.readUInt32BE(boundary)).includes('messageStop')) boundary += bytes.readUInt32BE(boundary);
    await expect(collect(bytes.subarray(0, boundary))).rejects.toSatisfy(truncated);
  });

  it('refuses a frame whose checksum fails', async () => {
    const bytes = Buffer.from(fixture('converse-stream-text-and-tool-use.eventstream'));
    const at = bytes.indexOf('check the weather');
    bytes[at] = bytes[at]! ^ 0x20;
    await expect(collect(bytes)).rejects.toSatisfy((error) => GatewayError.isInstance(error) && error.code === 'TOLLGATE_UPSTREAM_INVALID_RESPONSE');
  });

  it('fails a stream on an exception frame with its status: throttling is a retryable 429', async () => {
    const bytes = fixture('converse-stream-text-and-tool-use.eventstream');
    const firstFrame = bytes.readUInt32BE(0);
    const stream = Buffer.concat([bytes.subarray(0, firstFrame), bedrockExceptionEvent('throttlingException', 'Too many requests, please wait before trying again.')]);
    await expect(collect(stream)).rejects.toMatchObject({ status: 429, retryable: true, wireCode: 'ThrottlingException', message: expect.stringContaining('Too many requests') });
  });

  it('maps recorded error answers by x-amzn-ErrorType: throttling retryable, a refused signature to 502, a long input to context_length_exceeded', () => {
    const throttled = toBedrockProviderError({ provider: 'aws', status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' }, bodyText: fixture('error-throttling.json').toString(), secrets: [] });
    expect(throttled).toMatchObject({ status: 429, retryable: true, wireCode: 'ThrottlingException' });
    const quota = toBedrockProviderError({ provider: 'aws', status: 400, headers: { 'x-amzn-errortype': 'ServiceQuotaExceededException' }, bodyText: '{"message":"quota"}', secrets: [] });
    expect(quota).toMatchObject({ status: 429, retryable: true });
    const signature = toBedrockProviderError({ provider: 'aws', status: 403, headers: { 'x-amzn-errortype': 'InvalidSignatureException' }, bodyText: '{"message":"The request signature we calculated does not match"}', secrets: [] });
    expect(signature).toMatchObject({ status: 502, retryable: false });
    expect(signature.message).toContain('Check the credentials of providers.aws');
    const long = toBedrockProviderError({ provider: 'aws', status: 400, headers: { 'x-amzn-errortype': 'ValidationException' }, bodyText: '{"message":"Input is too long for requested model."}', secrets: [] });
    expect(long).toMatchObject({ status: 400, wireCode: 'context_length_exceeded' });
  });
});

const stepOfAnotherModel = toolStepOfAnotherModel();
const stepOfClaude = toolStepOfClaude();
// Kimi's tool call ids, which Claude's and Bedrock's id patterns refuse.
const kimiStep = toolStepOfAnotherModel('functions.Bash:0');

describe('convertToBedrockRequest', () => {
  it("fits another model's tool call ids to Converse's toolUseId (letters, digits, _ and -, at most 64), the call and its result alike", () => {
    const body = convertToBedrockRequest({ model: 'x', messages: kimiStep }, options);
    const use = (body.messages[1]!.content[0] as { toolUse: { toolUseId: string } }).toolUse;
    const result = (body.messages[2]!.content[0] as { toolResult: { toolUseId: string } }).toolResult;
    expect(use.toolUseId).toMatch(/^call_[A-Za-z0-9_-]{32}$/);
    expect(result.toolUseId).toBe(use.toolUseId);
  });

  it("sets Claude's thinking budget from a budget or an effort, none for a step of a tool loop another model made (Claude refuses it with thinking on)", () => {
    const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    expect(convertToBedrockRequest({ model: 'sonnet', messages: stepOfClaude, reasoning: { max_tokens: 3000 } }, { model }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 3000 } });
    expect(convertToBedrockRequest({ model: 'sonnet', messages: stepOfClaude, thinking: { type: 'enabled', budget_tokens: 1024 } }, { model }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(convertToBedrockRequest({ model: 'sonnet', messages: stepOfClaude, reasoning_effort: 'medium' }, { model }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } });
    // A budget under Claude's least, raised to it.
    expect(convertToBedrockRequest({ model: 'sonnet', messages: stepOfClaude, reasoning: { max_tokens: 500 } }, { model }).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(convertToBedrockRequest({ model: 'sonnet', messages: [stepOfAnotherModel[0]!], reasoning_effort: 'medium' }, { model: 'us.amazon.nova-pro-v1:0' })).not.toHaveProperty('additionalModelRequestFields');
    expect(convertToBedrockRequest({ model: 'sonnet', messages: stepOfAnotherModel, reasoning: { max_tokens: 3000 } }, { model })).not.toHaveProperty('additionalModelRequestFields');
  });

  it('maps system, inference parameters, images, tools, tool_choice and merged tool results', () => {
    const body = convertToBedrockRequest(
      {
        model: 'x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 't1', content: '{"sky":"clear"}' },
          { role: 'user', content: 'and tomorrow?' },
        ],
        max_tokens: 300,
        temperature: 0.3,
        top_p: 0.8,
        stop: ['END'],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: 'required',
      },
      options,
    );
    expect(body).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ text: 'Weather here?' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Paris' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: { sky: 'clear' } }] } }, { text: 'and tomorrow?' }] },
      ],
      // Sonnet 4.5 takes a temperature or a top_p, not both: the temperature kept.
      inferenceConfig: { maxTokens: 300, temperature: 0.3, stopSequences: ['END'] },
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }], toolChoice: { any: {} } },
    });
  });

  it("maps sampling settings as each model takes them: Claude's from 4.1 on not both, none but 1 with thinking on; Claude 3.7's and Nova's both", () => {
    const sampling = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0.3, top_p: 0.8 };
    const inference = (model: string, extra: Record<string, unknown> = {}) => convertToBedrockRequest({ ...sampling, ...extra }, { model }).inferenceConfig;
    expect(inference('anthropic.claude-opus-4-1-20250805-v1:0')).toEqual({ temperature: 0.3 });
    expect(inference('global.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual({ temperature: 0.3 });
    expect(inference('anthropic.claude-sonnet-4-20250514-v1:0')).toEqual({ temperature: 0.3, topP: 0.8 });
    expect(inference('anthropic.claude-3-7-sonnet-20250219-v1:0')).toEqual({ temperature: 0.3, topP: 0.8 });
    expect(inference('amazon.nova-pro-v1:0')).toEqual({ temperature: 0.3, topP: 0.8 });
    // Thinking on: a temperature of 1 and a top_p from 0.95 only.
    expect(inference('anthropic.claude-sonnet-4-20250514-v1:0', { reasoning_effort: 'low', max_tokens: 8000 })).toEqual({ maxTokens: 8000 });
    expect(inference('anthropic.claude-sonnet-4-20250514-v1:0', { reasoning_effort: 'low', max_tokens: 8000, temperature: 1, top_p: 0.97 })).toEqual({ maxTokens: 8000, temperature: 1, topP: 0.97 });
  });

  it('leaves out blank text parts, each cache mark still after the part it was set on; a user turn before an assistant one', () => {
    const body = convertToBedrockRequest(
      {
        model: 'x',
        messages: [
          { role: 'assistant', content: 'Hi! How can I help?' },
          { role: 'user', content: [{ type: 'text', text: ' ' }, { type: 'text', text: 'the log…', cache_control: { type: 'ephemeral' } }, { type: 'text', text: '' }, { type: 'text', text: 'what failed?' }] } as never,
        ],
      },
      options,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: '.' }] },
      { role: 'assistant', content: [{ text: 'Hi! How can I help?' }] },
      { role: 'user', content: [{ text: 'the log…' }, { cachePoint: { type: 'default' } }, { text: 'what failed?' }] },
    ]);
  });

  it('declares the tools a history used when the request has none, since Converse refuses tool blocks without a toolConfig', () => {
    const body = convertToBedrockRequest(
      {
        model: 'x',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: 'calling', tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '' } }] },
          { role: 'tool', tool_call_id: 't1', content: 'done' },
        ],
      },
      options,
    );
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] });
    expect(body.messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'done' }] } }] });
  });

  it('keeps a tool message\'s images and files (as OpenRouter\'s chat clients send them) in the tool result, where Converse takes them', () => {
    const messages = [
      { role: 'user' as const, content: 'What does the page show?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 't1', type: 'function' as const, function: { name: 'screenshot', arguments: '{}' } }] },
      { role: 'tool' as const, tool_call_id: 't1', content: [{ type: 'text', text: 'page.png' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }] },
    ];
    const body = convertToBedrockRequest({ model: 'x', messages: messages as never }, options);
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'page.png' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }, { document: { format: 'pdf', name: 'spec', source: { bytes: 'JVBERi0=' } } }] } }],
    });
  });

  it('serves response_format with a forced JSON tool whose input comes back as the content', () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } } };
    const body = convertToBedrockRequest({ model: 'x', messages: [{ role: 'user', content: 'answer?' }], response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }, options);
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: jsonResponseToolName, description: expect.any(String), inputSchema: { json: schema } } }], toolChoice: { tool: { name: jsonResponseToolName } } });
    const answer = convertFromBedrockResponse({ output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'x', name: jsonResponseToolName, input: { answer: 42 } } }] } }, stopReason: 'tool_use' }, { id: 'c', model: 'm' });
    expect(answer.choices[0]).toMatchObject({ message: { content: '{"answer":42}' }, finish_reason: 'stop' });
    expect(answer.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('refuses what it cannot translate with a 400 naming the field', () => {
    const refusal = (request: Parameters<typeof convertToBedrockRequest>[0]) => {
      try {
        convertToBedrockRequest(request, options);
      } catch (error) {
        return GatewayError.isInstance(error) ? [error.status, error.param] : ['not a GatewayError'];
      }
      return ['no error'];
    };
    expect(refusal({ model: 'x', n: 2, messages: [{ role: 'user', content: 'x' }] })).toEqual([400, 'n']);
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })).toEqual([400, 'messages[0].content[0]']);
    expect(refusal({ model: 'x', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] })).toEqual([400, 'messages[0].tool_calls[0].function.arguments']);
  });
});
