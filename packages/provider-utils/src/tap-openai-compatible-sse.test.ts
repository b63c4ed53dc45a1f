import { describe, expect, it } from 'vitest';
import { GatewayError, type StreamSummary } from '@tollgate/core';
import { ProviderError } from '@tollgate/core';
import { tapOpenAICompatibleSse } from './tap-openai-compatible-sse.js';

const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
const chunk = (content: string) => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}],"usage":null}\n\n`;
const usageChunk = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
const done = 'data: [DONE]\n\n';

async function run(pieces: string[], dropUsageEvent: boolean, dropComments = false): Promise<{ out: string[]; summary: StreamSummary; error?: unknown }> {
  const summary: StreamSummary = { usage: undefined, model: undefined };
  async function* source() {
    for (const piece of pieces) yield Buffer.from(piece);
  }
  const out: string[] = [];
  try {
    const toStreamError = (data: string) => new ProviderError(`upstream stream error: ${data.replace('sk-secret-value', '[redacted]')}`, { provider: 'openai', upstreamStatus: 502 });
    for await (const bytes of tapOpenAICompatibleSse(source(), { summary, dropUsageEvent, dropComments, provider: 'openai', toStreamError })) out.push(Buffer.from(bytes).toString());
  } catch (error) {
    return { out, summary, error };
  }
  return { out, summary };
}

describe('tapOpenAICompatibleSse', () => {
  it('forwards each complete event as it arrives and taps usage, model and the text generated', async () => {
    const { out, summary } = await run([chunk('a'), chunk('b'), usageChunk, done], false);
    expect(out).toEqual([chunk('a'), chunk('b'), usageChunk, done]);
    expect(summary).toEqual({ usage, model: 'gpt-4o-2024-08-06', id: 'c1', output: { pieces: 2, textBytes: 2 } });
  });

  it('taps each choice\'s finish reason as it ends, and the chunk\'s own id, whatever the spacing', async () => {
    const finish = (index: number, reason: string) => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":${index},"delta":{},"finish_reason":"${reason}"}]}\n\n`;
    // Text that spells a finish reason is escaped inside its JSON string: not a finish reason.
    const quoting = chunk('say \\"finish_reason\\":\\"length\\" and \\"id\\":\\"x\\"');
    const spaced = 'data: {"id": "c1", "model": "m", "choices": [{"index": 1, "delta": {}, "finish_reason": "length"}]}\n\n';
    const { out, summary } = await run([quoting + chunk('b'), finish(0, 'stop') + spaced, usageChunk, done], false);
    expect(out.join('')).toBe(quoting + chunk('b') + finish(0, 'stop') + spaced + usageChunk + done);
    expect(summary.finishReasons).toEqual(['stop', 'length']);
    expect(summary.id).toBe('c1');

    // A stream whose first chunk opens a tool call: the chunk's id, not the call's.
    const toolCall = 'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function"}]},"finish_reason":null}]}\n\n';
    expect((await run([toolCall, finish(0, 'tool_calls'), done], false)).summary).toMatchObject({ id: 'chatcmpl-9', finishReasons: ['tool_calls'] });
  });

  it('holds a partial event until it completes, whatever the split', async () => {
    const whole = chunk('hello') + usageChunk + done;
    for (const cut of [1, 7, 40, whole.length - 3]) {
      const { out, summary } = await run([whole.slice(0, cut), whole.slice(cut)], false);
      expect(out.join('')).toBe(whole);
      expect(out.every((piece) => piece.endsWith('\n\n'))).toBe(true);
      expect(summary.usage).toEqual(usage);
    }
  });

  it('cuts only the usage-only event when the client did not ask for usage', async () => {
    const { out, summary } = await run([chunk('a') + usageChunk + done], true);
    expect(out.join('')).toBe(chunk('a') + done);
    expect(summary.usage).toEqual(usage);
  });

  it('handles CRLF framing and spaced JSON', async () => {
    const spaced = 'data: {"model": "m", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}\r\n\r\n';
    const { out, summary } = await run([spaced, 'data: [DONE]\r\n\r\n'], false);
    expect(out.join('')).toBe(`${spaced}data: [DONE]\r\n\r\n`);
    expect(summary.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it('taps, cuts and stops on CRLF-framed events that arrive in one read (sse-starlette frames with CRLF)', async () => {
    const crlf = (event: string) => event.replace(/\n\n$/, '\r\n\r\n');
    const whole = crlf(chunk('a')) + crlf(usageChunk) + crlf(done);
    const kept = await run([whole], false);
    expect(kept.error).toBeUndefined();
    expect(kept.out.join('')).toBe(whole);
    expect(kept.summary.usage).toEqual(usage);
    const cut = await run([whole], true);
    expect(cut.error).toBeUndefined();
    expect(cut.out.join('')).toBe(crlf(chunk('a')) + crlf(done));
    expect(cut.summary.usage).toEqual(usage);
    const errorEvent = 'data: {"error":{"message":"overloaded","type":"server_error"}}\r\n\r\n';
    const failed = await run([crlf(chunk('a')) + errorEvent + crlf(done)], false);
    expect(failed.out.join('')).toBe(crlf(chunk('a')));
    expect((failed.error as Error).message).toContain('overloaded');
  });

  it('fails as truncated when the upstream ends before [DONE]', async () => {
    const { out, error } = await run([chunk('a')], false);
    expect(out).toEqual([chunk('a')]);
    expect(GatewayError.isInstance(error) && error.code).toBe('TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
  });

  it('drops SSE comment lines when asked (OpenRouter keep-alives), keeping the events intact', async () => {
    const { out } = await run([': OPENROUTER PROCESSING\n\n', `: OPENROUTER PROCESSING\n\n${chunk('a')}`, done], false, true);
    expect(out.join('')).toBe(chunk('a') + done);
  });

  it('fails on a chunk that carries an error field (OpenRouter mid-stream errors), after the chunks before it', async () => {
    const failing = 'data: {"id":"c1","object":"chat.completion.chunk","model":"m","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n';
    const { out, error, summary } = await run([chunk('a') + failing + done], false);
    expect(out).toEqual([chunk('a')]);
    expect((error as Error).message).toContain('Provider disconnected');
    // The error chunk's `finish_reason: "error"` never reached the client: not a finish reason.
    expect(summary.finishReasons).toBeUndefined();
  });

  it('forwards the events before an error event, then fails with its message, secrets removed', async () => {
    const errorEvent = 'data: {"error":{"message":"key sk-secret-value exhausted","type":"server_error"}}\n\n';
    const { out, error } = await run([chunk('a') + errorEvent], false);
    expect(out).toEqual([chunk('a')]);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('exhausted');
    expect((error as Error).message).not.toContain('sk-secret-value');
  });
});
