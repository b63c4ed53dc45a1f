import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError, type StreamSummary } from '@tollgate/core';
import { tapResponsesSse } from './tap-responses-sse.js';

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const response = (status: string, usage: unknown) => ({ id: 'resp_1', object: 'response', status, model: 'gpt-5-codex-2025-09-15', output: [], usage });
const created = event('response.created', { sequence_number: 0, response: response('in_progress', null) });
const delta = (text: string, sequence: number) => event('response.output_text.delta', { sequence_number: sequence, item_id: 'msg_1', output_index: 0, content_index: 0, delta: text });
const usage = { input_tokens: 30, input_tokens_details: { cached_tokens: 20 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 39 };
const completed = event('response.completed', { sequence_number: 3, response: response('completed', usage) });

async function run(pieces: string[]): Promise<{ out: string[]; summary: StreamSummary; error?: unknown }> {
  const summary: StreamSummary = { usage: undefined, model: undefined };
  async function* source() {
    for (const piece of pieces) yield Buffer.from(piece);
  }
  const out: string[] = [];
  const toStreamError = (body: string) => new ProviderError(`upstream stream error: ${body}`, { provider: 'openai', upstreamStatus: 502 });
  try {
    for await (const bytes of tapResponsesSse(source(), { summary, provider: 'openai', toStreamError })) out.push(Buffer.from(bytes).toString());
  } catch (error) {
    return { out, summary, error };
  }
  return { out, summary };
}

describe('tapResponsesSse', () => {
  it('forwards the events unchanged, each as it completes whatever the split, and taps the model, usage and the text generated', async () => {
    const whole = created + delta('Hel', 1) + delta('lo', 2) + completed;
    for (const cut of [1, 20, created.length, whole.length - 5]) {
      const { out, summary, error } = await run([whole.slice(0, cut), whole.slice(cut)]);
      expect(error).toBeUndefined();
      expect(out.join('')).toBe(whole);
      expect(out.every((piece) => piece.endsWith('\n\n'))).toBe(true);
      expect(summary).toEqual({
        model: 'gpt-5-codex-2025-09-15',
        id: 'resp_1',
        finishReasons: ['stop'],
        usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39, prompt_tokens_details: { cached_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 4 } },
        // The deltas' text, counted as it went by: what a cut stream is charged by.
        output: { pieces: 2, textBytes: 5 },
        // The final response, whole, for an ingress that keeps answers.
        answer: response('completed', usage),
      });
    }
  });

  it('ends with the error of an error event, after forwarding the events before it', async () => {
    const failure = event('error', { sequence_number: 2, code: 'server_error', message: 'The server had an error', param: null });
    const { out, error } = await run([created + delta('Hel', 1) + failure]);
    expect(out.join('')).toBe(created + delta('Hel', 1));
    expect(error).toBeInstanceOf(ProviderError);
    expect(JSON.parse((error as Error).message.slice('upstream stream error: '.length))).toEqual({ error: { message: 'The server had an error', type: 'server_error', code: 'server_error', param: null } });
  });

  it('ends with the error of response.failed', async () => {
    const failed = event('response.failed', { sequence_number: 2, response: { ...response('failed', null), error: { code: 'rate_limit_exceeded', message: 'Slow down' } } });
    const { error } = await run([created, failed]);
    expect((error as Error).message).toContain('"code":"rate_limit_exceeded"');
  });

  it('ends with a truncation error when the stream stops before its final event, and reads response.incomplete as final', async () => {
    const truncated = await run([created, delta('Hel', 1)]);
    expect(truncated.error).toBeInstanceOf(GatewayError);
    expect((truncated.error as GatewayError).code).toBe('TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
    const incomplete = await run([created, delta('Hel', 1), event('response.incomplete', { sequence_number: 2, response: response('incomplete', usage) })]);
    expect(incomplete.error).toBeUndefined();
    expect(incomplete.summary.usage?.completion_tokens).toBe(9);
    expect(incomplete.summary.finishReasons).toEqual(['length']);
    const filtered = await run([created, event('response.incomplete', { sequence_number: 1, response: { ...response('incomplete', usage), incomplete_details: { reason: 'content_filter' } } })]);
    expect(filtered.summary.finishReasons).toEqual(['content_filter']);
  });

  it('reads a complete answer that called the client\'s tools as `tool_calls`', async () => {
    const called = { ...response('completed', usage), output: [{ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'shell', arguments: '{}' }] };
    const { summary } = await run([created, event('response.completed', { sequence_number: 1, response: called })]);
    expect(summary.finishReasons).toEqual(['tool_calls']);
  });
});
