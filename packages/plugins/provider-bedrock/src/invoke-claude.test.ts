import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError, type ChatCompletionChunk, type StreamSummary } from '@tollgate/core';
import { convertAnthropicEvents } from '@tollgate/provider-utils';
import { bedrockEvent, bedrockExceptionEvent } from '@tollgate/testkit';
import { claudeEventTexts, claudeEventsAsSse, claudeInvokeBody, isClaudeModel, parsedClaudeEvents } from './invoke-claude.js';

/** Claude's stream events as InvokeModelWithResponseStream frames: each event's JSON base64-encoded in a `chunk`. */
function frames(events: readonly Record<string, unknown>[]): Uint8Array[] {
  return events.map((event) => bedrockEvent('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') }));
}

async function* bytesOf(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  // One read across frame boundaries, as sockets deliver them.
  yield Buffer.concat(parts.map((part) => Buffer.from(part)));
}

const events = [
  { type: 'message_start', message: { id: 'msg_bdrk_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], stop_reason: null, usage: { input_tokens: 40, cache_read_input_tokens: 1_000, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} } },
  { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"path":' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"parser.ts"}' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
  { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 40, outputTokenCount: 9, invocationLatency: 42, firstByteLatency: 12 } },
];

describe("Claude's Messages API on Bedrock (InvokeModel)", () => {
  it('takes the client body without model and stream, with Bedrock\'s version, the client\'s betas and the provider\'s extra fields under the client\'s', () => {
    const raw = Buffer.from(JSON.stringify({ model: 'sonnet', stream: true, max_tokens: 10, top_k: 5, messages: [] }));
    expect(JSON.parse(claudeInvokeBody(raw, 'a-2025, b-2025 ,a-2025', { top_k: 50, top_p: 0.9 }))).toEqual({ top_k: 5, top_p: 0.9, max_tokens: 10, messages: [], anthropic_version: 'bedrock-2023-05-31', anthropic_beta: ['a-2025', 'b-2025'] });
    // A body's own version and betas stay.
    const own = Buffer.from(JSON.stringify({ max_tokens: 10, messages: [], anthropic_version: 'bedrock-2099-01-01', anthropic_beta: ['mine'] }));
    expect(JSON.parse(claudeInvokeBody(own, 'theirs', undefined))).toMatchObject({ anthropic_version: 'bedrock-2099-01-01', anthropic_beta: ['mine'] });
    // The gateway's overrides (thinking off for a step another model made) over the client's own.
    const thinking = Buffer.from(JSON.stringify({ model: 'x', max_tokens: 10, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [] }));
    expect(JSON.parse(claudeInvokeBody(thinking, undefined, undefined, { thinking: { type: 'disabled' } })).thinking).toEqual({ type: 'disabled' });
    // Another model's tool call ids (Kimi's), fitted to Claude's pattern, the call and its result alike.
    const kimi = Buffer.from(JSON.stringify({ max_tokens: 10, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'functions.Bash:0', name: 'Bash', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'functions.Bash:0', content: 'ok' }] }] }));
    const fitted = JSON.parse(claudeInvokeBody(kimi, undefined, undefined)).messages;
    expect(fitted[0].content[0].id).toMatch(/^call_[A-Za-z0-9_-]{32}$/);
    expect(fitted[1].content[0].tool_use_id).toBe(fitted[0].content[0].id);
    expect(isClaudeModel('global.anthropic.claude-opus-4-6-v1')).toBe(true);
    expect(isClaudeModel('us.amazon.nova-pro-v1:0')).toBe(false);
  });

  it('decodes the chunk frames into chat chunks for a hook that reads them: tool arguments reassembled, finish reason, usage', async () => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of convertAnthropicEvents(parsedClaudeEvents(claudeEventTexts(bytesOf(frames(events)), 'aws', [])), { provider: 'aws', secrets: [] })) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('')).toBe('{"path":"parser.ts"}');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ id: 'msg_bdrk_1', usage: { prompt_tokens: 1_040, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 1_000 } } });
  });

  it('passes the events on as SSE, tapping the summary, and fails on an error event, an exception frame or a stream cut short', async () => {
    const summary: StreamSummary = { usage: undefined, model: undefined };
    let sse = '';
    for await (const bytes of claudeEventsAsSse(claudeEventTexts(bytesOf(frames(events)), 'aws', []), summary, 'aws', [])) sse += Buffer.from(bytes).toString();
    expect(sse.startsWith(`event: message_start\ndata: ${JSON.stringify(events[0])}\n\n`)).toBe(true);
    expect(sse.match(/^event: /gm)).toHaveLength(events.length);
    expect(summary).toMatchObject({ id: 'msg_bdrk_1', model: 'claude-sonnet-4-5-20250929', finishReasons: ['tool_calls'], usage: { prompt_tokens: 1_040, completion_tokens: 9 } });

    const drain = async (parts: Uint8Array[]) => {
      let seen = '';
      const failure = await (async () => {
        for await (const bytes of claudeEventsAsSse(claudeEventTexts(bytesOf(parts), 'aws', []), { usage: undefined, model: undefined }, 'aws', [])) seen += Buffer.from(bytes).toString();
      })().catch((error: unknown) => error);
      return { seen, failure };
    };
    const overloaded = await drain(frames([events[0]!, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    expect(overloaded.seen.match(/^event: /gm)).toHaveLength(1);
    expect(overloaded.failure).toBeInstanceOf(ProviderError);
    expect((overloaded.failure as ProviderError).upstreamStatus).toBe(529);
    const throttled = await drain([...frames(events.slice(0, 2)), bedrockExceptionEvent('throttlingException', 'Too many requests, please wait before trying again.')]);
    expect((throttled.failure as ProviderError).upstreamStatus).toBe(429);
    const cut = await drain(frames(events.slice(0, 3)));
    expect(cut.failure).toBeInstanceOf(GatewayError);
    expect((cut.failure as GatewayError).code).toBe('TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
  });
});
