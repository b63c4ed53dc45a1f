import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk, type StreamSummary } from '@tollgate/core';
import { toAnthropicProviderError } from './anthropic-error.js';
import { convertAnthropicStream, convertFromAnthropicResponse, type AnthropicResponse } from '@tollgate/provider-utils';
import { toolStepOfAnotherModel, toolStepOfClaude } from '@tollgate/testkit';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { tapAnthropicSse } from './tap-anthropic-sse.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** Feeds a recorded stream in pieces cut at awkward places (mid-event, mid-line). */
async function* pieces(text: string, size = 37): AsyncGenerator<Buffer> {
  for (let start = 0; start < text.length; start += size) yield Buffer.from(text.slice(start, start + size));
}

const options = { model: 'claude-sonnet-4-5', defaultMaxTokens: 1024 };

describe('recorded Messages API samples', () => {
  it('maps a tool-use message with thinking and cache usage', () => {
    const response = convertFromAnthropicResponse(JSON.parse(fixture('message-tool-use.json')) as AnthropicResponse);
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the weather in San Francisco.",
        tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
        reasoning_content: 'The user wants the weather; I should call the tool.',
        reasoning_details: [{ type: 'reasoning.text', text: 'The user wants the weather; I should call the tool.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds', format: 'anthropic-claude-v1', index: 0 }],
      },
      finish_reason: 'tool_calls',
    });
    expect(response.usage).toEqual({ prompt_tokens: 3544, completion_tokens: 89, total_tokens: 3633, prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 1024 } });
  });

  it('decodes a recorded stream into chunks whose tool arguments reassemble exactly', async () => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of convertAnthropicStream(pieces(fixture('stream-text-and-tool-use.chunks.txt')), { provider: 'claude', secrets: [] })) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe("Okay, let's check the weather.");
    const args = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id)?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', function: { name: 'get_weather' } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 772, completion_tokens: 89, prompt_tokens_details: { cached_tokens: 300 } } });
  });

  it('passes a recorded stream through byte for byte, tapping usage, model, id, the stop reason and the text generated', async () => {
    const text = fixture('stream-text-and-tool-use.chunks.txt');
    const summary: StreamSummary = { usage: undefined, model: undefined };
    let out = '';
    for await (const bytes of tapAnthropicSse(pieces(text), { summary, provider: 'claude', secrets: [] })) out += Buffer.from(bytes).toString();
    expect(out).toBe(text);
    expect(summary).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      finishReasons: ['tool_calls'],
      usage: { prompt_tokens: 772, completion_tokens: 89, total_tokens: 861, prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 0 } },
      // The text and the tool call's arguments as sent (escaped): 30 + 63 bytes in five deltas. Claude
      // billed 89 tokens for them: a tool call's own framing is not in its text (see docs/governance.md).
      output: { pieces: 5, textBytes: 93 },
    });
  });

  it("names fast mode (usage.speed) as the service tier `fast`: decoded, tapped and whole", async () => {
    const fast = fixture('stream-text-and-tool-use.chunks.txt').replace('"output_tokens":2}', '"output_tokens":2,"speed":"fast"}');
    expect(fast).toContain('"speed":"fast"');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of convertAnthropicStream(pieces(fast), { provider: 'claude', secrets: [] })) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], service_tier: 'fast', usage: { prompt_tokens: 772 } });
    const summary: StreamSummary = { usage: undefined, model: undefined };
    for await (const _ of tapAnthropicSse(pieces(fast), { summary, provider: 'claude', secrets: [] })) void _;
    expect(summary.serviceTier).toBe('fast');
    const message = JSON.parse(fixture('message-tool-use.json')) as AnthropicResponse;
    expect(convertFromAnthropicResponse({ ...message, usage: { ...message.usage, speed: 'fast' } }).service_tier).toBe('fast');
    expect(convertFromAnthropicResponse(message).service_tier).toBeUndefined();
  });

  it('passes a CRLF-framed stream through whole, its usage tapped, when it arrives in one read', async () => {
    const text = fixture('stream-text-and-tool-use.chunks.txt').replace(/\r?\n/g, '\r\n');
    const summary: StreamSummary = { usage: undefined, model: undefined };
    let out = '';
    for await (const bytes of tapAnthropicSse(pieces(text, text.length), { summary, provider: 'claude', secrets: [] })) out += Buffer.from(bytes).toString();
    expect(out).toBe(text);
    expect(summary.usage).toEqual({ prompt_tokens: 772, completion_tokens: 89, total_tokens: 861, prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 0 } });
  });

  it('ends a truncated stream with an error instead of a silent success', async () => {
    const text = fixture('stream-text-and-tool-use.chunks.txt');
    const cut = text.slice(0, text.indexOf('event: message_delta'));
    const run = async () => {
      for await (const _ of convertAnthropicStream(pieces(cut), { provider: 'claude', secrets: [] })) void _;
    };
    await expect(run()).rejects.toSatisfy((error) => GatewayError.isInstance(error) && error.code === 'TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
  });

  it('maps a recorded error body: overloaded is 529 and retryable', () => {
    const error = toAnthropicProviderError({ provider: 'claude', status: 529, headers: { 'retry-after': '3' }, bodyText: fixture('error-overloaded.json'), secrets: [] });
    expect(error).toMatchObject({ status: 529, retryable: true, wireCode: 'overloaded_error', retryAfterMs: 3000 });
  });
});

const stepOfAnotherModel = toolStepOfAnotherModel();
const stepOfClaude = toolStepOfClaude();
// Kimi's tool call ids, which Claude's and Bedrock's id patterns refuse.
const kimiStep = toolStepOfAnotherModel('functions.Bash:0');

describe('convertToAnthropicRequest edge cases', () => {
  it("fits another model's tool call ids to Claude's pattern, the call and its result alike (Kimi's `functions.Bash:0`)", () => {
    const body = convertToAnthropicRequest({ model: 'sonnet', messages: kimiStep }, { model: 'claude-sonnet-4-5', defaultMaxTokens: 1024 });
    const use = (body.messages[1]!.content as { type: string; id?: string }[])[0]!;
    const result = (body.messages[2]!.content as { type: string; tool_use_id?: string }[])[0]!;
    expect(use.id).toMatch(/^call_[A-Za-z0-9_-]{32}$/);
    expect(result.tool_use_id).toBe(use.id);
  });

  it("turns manual thinking off for a step of a tool loop another model made, which Claude refuses with it on; keeps it for Claude's own step", () => {
    const thinking = { type: 'enabled', budget_tokens: 2048 };
    const other = convertToAnthropicRequest({ model: 'sonnet', messages: stepOfAnotherModel, thinking }, { model: 'claude-sonnet-4-5', defaultMaxTokens: 8192 });
    expect(other.thinking).toEqual({ type: 'disabled' });
    const claudes = convertToAnthropicRequest({ model: 'sonnet', messages: stepOfClaude, reasoning: { max_tokens: 2048 } }, { model: 'claude-sonnet-4-5', defaultMaxTokens: 8192 });
    expect(claudes.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect((claudes.messages[1]!.content as { type: string }[])[0]).toEqual({ type: 'thinking', thinking: 'List them.', signature: 'sig_1' });
  });

  it("puts Claude's own thinking from reasoning_details first in its turn: pieces joined by index, redacted kept, unsigned or another API's left out", () => {
    const claude = 'anthropic-claude-v1';
    const body = convertToAnthropicRequest(
      {
        model: 'x',
        thinking: { type: 'enabled', budget_tokens: 1_024 },
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            reasoning_details: [
              { type: 'reasoning.encrypted', data: 'EmwK-redacted', format: claude, index: 0 },
              { type: 'reasoning.text', text: 'Check ', format: claude, index: 1 },
              { type: 'reasoning.text', text: 'f first.', format: claude, index: 1 },
              { type: 'reasoning.text', signature: 'sig_1', format: claude, index: 1 },
              { type: 'reasoning.text', text: 'Never signed.', format: claude, index: 2 },
              { type: 'reasoning.summary', summary: 'An OpenAI summary.', id: 'rs_1', format: 'openai-responses-v1', index: 3 },
            ],
          },
          { role: 'tool', tool_call_id: 't1', content: 'done' },
        ],
      } as never,
      options,
    );
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1_024 });
    expect(body.messages[1]!.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwK-redacted' },
      { type: 'thinking', thinking: 'Check f first.', signature: 'sig_1' },
      { type: 'tool_use', id: 't1', name: 'f', input: {} },
    ]);
  });

  it('merges a user message that follows tool results into the same user turn', () => {
    const body = convertToAnthropicRequest(
      {
        model: 'x',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: 'calling', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
          { role: 'tool', tool_call_id: 't1', content: 'done' },
          { role: 'user', content: 'and now?' },
        ],
      },
      options,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'text', text: 'calling' }, { type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }, { type: 'text', text: 'and now?' }] },
    ]);
    expect(body.max_tokens).toBe(1024);
  });

  it('refuses what it cannot translate with a 400 naming the field', () => {
    const refusal = (request: Parameters<typeof convertToAnthropicRequest>[0]) => {
      try {
        convertToAnthropicRequest(request, options);
      } catch (error) {
        return GatewayError.isInstance(error) ? [error.status, error.param] : ['not a GatewayError'];
      }
      return ['no error'];
    };
    expect(refusal({ model: 'x', n: 2, messages: [{ role: 'user', content: 'x' }] })).toEqual([400, 'n']);
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] })).toEqual([400, 'messages[0].content[0]']);
    expect(refusal({ model: 'x', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] })).toEqual([400, 'messages[0].tool_calls[0].function.arguments']);
  });
});
