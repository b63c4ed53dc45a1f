import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError, type ChatCompletionChunk } from '@tollgate/core';
import { decodeResponsesSse } from './decode-responses-sse.js';

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const response = (status: string, extra: Record<string, unknown> = {}) => ({ id: 'resp_1', object: 'response', created_at: 1_700_000_000, status, model: 'gpt-5-codex', output: [], ...extra });
const usage = { input_tokens: 30, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 39 };

async function decode(events: string[]): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown }> {
  async function* source() {
    // One byte stream split mid-event, as sockets deliver it.
    const whole = events.join('');
    yield Buffer.from(whole.slice(0, 37));
    yield Buffer.from(whole.slice(37));
  }
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of decodeResponsesSse(source(), { provider: 'openai', toStreamError: (body) => new ProviderError(body, { provider: 'openai', upstreamStatus: 502 }) })) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

describe('decodeResponsesSse', () => {
  it('turns text, reasoning and a custom tool call into chat chunks, its input as escaped {"input"} arguments, then finish and usage', async () => {
    const custom = { id: 'ctc_1', type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: '' };
    const { chunks, error } = await decode([
      event('response.created', { response: response('in_progress') }),
      event('response.reasoning_summary_text.delta', { output_index: 0, delta: 'Thinking.' }),
      event('response.output_text.delta', { output_index: 1, delta: 'Patching.' }),
      event('response.output_item.added', { output_index: 2, item: custom }),
      event('response.custom_tool_call_input.delta', { output_index: 2, delta: '*** Begin "Patch"\n' }),
      event('response.output_item.done', { output_index: 2, item: { ...custom, input: '*** Begin "Patch"\n' } }),
      event('response.completed', { response: response('completed', { usage }) }),
    ]);
    expect(error).toBeUndefined();
    expect(chunks.every((chunk) => chunk.id === 'resp_1' && chunk.model === 'gpt-5-codex')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('')).toBe('Thinking.');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Patching.');
    const args = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ input: '*** Begin "Patch"\n' });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } });
  });

  it("gives each reasoning item's blocks as reasoning_details pieces: its id, a piece per summary part, its encrypted content", async () => {
    const location = { item_id: 'rs_7', output_index: 0 };
    const { chunks } = await decode([
      event('response.created', { response: response('in_progress') }),
      event('response.output_item.added', { output_index: 0, item: { id: 'rs_7', type: 'reasoning', summary: [] } }),
      event('response.reasoning_summary_text.delta', { ...location, summary_index: 0, delta: 'Read ' }),
      event('response.reasoning_summary_text.delta', { ...location, summary_index: 0, delta: 'the file.' }),
      event('response.reasoning_summary_text.delta', { ...location, summary_index: 1, delta: 'Patch it.' }),
      event('response.output_item.done', { output_index: 0, item: { id: 'rs_7', type: 'reasoning', summary: [], encrypted_content: 'gAAAA-7' } }),
      event('response.completed', { response: response('completed', { usage }) }),
    ]);
    const format = 'openai-responses-v1';
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta.reasoning_details ?? [])).toEqual([
      { type: 'reasoning.summary', summary: 'Read ', id: 'rs_7', format, index: 0 },
      { type: 'reasoning.summary', summary: 'the file.', id: 'rs_7', format, index: 0 },
      { type: 'reasoning.summary', summary: 'Patch it.', id: 'rs_7', format, index: 1 },
      { type: 'reasoning.encrypted', data: 'gAAAA-7', id: 'rs_7', format, index: 2 },
    ]);
  });

  it('finishes an incomplete response with length, and fails on an error event or a stream cut before its final event', async () => {
    const incomplete = await decode([event('response.created', { response: response('in_progress') }), event('response.incomplete', { response: response('incomplete', { incomplete_details: { reason: 'max_output_tokens' }, usage }) })]);
    expect(incomplete.chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    const failed = await decode([event('response.created', { response: response('in_progress') }), event('error', { code: 'server_error', message: 'Boom', param: null })]);
    expect(failed.error).toBeInstanceOf(ProviderError);
    expect((failed.error as Error).message).toContain('"message":"Boom"');
    const cut = await decode([event('response.created', { response: response('in_progress') }), event('response.output_text.delta', { output_index: 0, delta: 'Hi' })]);
    expect((cut.error as GatewayError).code).toBe('TOLLGATE_UPSTREAM_STREAM_TRUNCATED');
  });
});
