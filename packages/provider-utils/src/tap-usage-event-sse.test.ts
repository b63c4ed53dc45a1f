import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError, transcriptionUsage, type StreamSummary } from '@tollgate/core';
import { tapUsageEventSse } from './tap-usage-event-sse.js';

const data = (value: Record<string, unknown>) => `data: ${JSON.stringify(value)}\n\n`;
const delta = (text: string) => data({ type: 'transcript.text.delta', delta: text });
const done = data({ type: 'transcript.text.done', text: 'Hello there', usage: { type: 'tokens', input_tokens: 52, input_token_details: { text_tokens: 2, audio_tokens: 50 }, output_tokens: 3, total_tokens: 55 } });

async function run(pieces: string[]): Promise<{ out: string[]; summary: StreamSummary; error?: unknown }> {
  const summary: StreamSummary = { usage: undefined, model: undefined };
  async function* source() {
    for (const piece of pieces) yield Buffer.from(piece);
  }
  const out: string[] = [];
  const toStreamError = (body: string) => new ProviderError(`upstream stream error: ${body}`, { provider: 'openai', upstreamStatus: 502 });
  try {
    for await (const bytes of tapUsageEventSse(source(), { summary, provider: 'openai', finalEvent: 'transcript.text.done', usageOf: (event) => transcriptionUsage(event.usage, undefined), toStreamError })) out.push(Buffer.from(bytes).toString());
  } catch (error) {
    return { out, summary, error };
  }
  return { out, summary };
}

describe('tapUsageEventSse (a streamed transcription)', () => {
  it('forwards the events unchanged, each as it completes whatever the split, and taps the usage of the last', async () => {
    const whole = delta('Hello ') + delta('there') + done;
    for (const cut of [1, 30, whole.length - 7]) {
      const { out, summary, error } = await run([whole.slice(0, cut), whole.slice(cut)]);
      expect(error).toBeUndefined();
      expect(out.join('')).toBe(whole);
      expect(out.every((piece) => piece.endsWith('\n\n'))).toBe(true);
      expect(summary.usage).toEqual({ prompt_tokens: 52, completion_tokens: 3, total_tokens: 55, prompt_tokens_details: { audio_tokens: 50 } });
    }
  });

  it('ends with the upstream error after what came before it, and with a truncation error when the last event never came', async () => {
    const failed = await run([delta('Hello ') + data({ error: { message: 'overloaded', type: 'server_error' } })]);
    expect(failed.out.join('')).toBe(delta('Hello '));
    expect(failed.error).toBeInstanceOf(ProviderError);
    const cut = await run([delta('Hello ')]);
    expect(cut.out.join('')).toBe(delta('Hello '));
    expect(cut.error).toBeInstanceOf(GatewayError);
    expect((cut.error as GatewayError).code).toBe('TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
    expect(cut.summary.usage).toBeUndefined();
  });
});
