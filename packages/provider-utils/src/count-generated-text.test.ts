import { describe, expect, it } from 'vitest';
import { newStreamedOutput, type StreamSummary } from '@tollgate/core';
import { anthropicDeltaTextKeys, chatChunkTextKeys, completionChunkTextKeys, responsesDeltaTextKeys } from './count-generated-text.js';
import { AnthropicEventTap } from './anthropic-event-tap.js';

const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const chatChunk = (delta: Record<string, unknown>) => data({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }] });

function counted(keys: typeof chatChunkTextKeys, text: string) {
  const output = newStreamedOutput();
  keys.count(Buffer.from(text), output);
  return output;
}

describe('GeneratedTextKeys', () => {
  it('counts the generated text of chat chunks: content, reasoning, refusals and tool-call arguments, escapes as sent', () => {
    const events =
      chatChunk({ role: 'assistant', content: '' }) +
      chatChunk({ content: 'Hello' }) +
      chatChunk({ content: 'say "hi"\\n' }) +
      chatChunk({ reasoning_content: 'think' }) +
      chatChunk({ content: null, reasoning: 'more' }) +
      chatChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] }) +
      chatChunk({ refusal: 'no' }) +
      'data: [DONE]\n\n';
    // The empty role chunk and `content: null` count nothing; `say "hi"\n` is sent escaped, 13 bytes,
    // and the arguments `{"city":` 10.
    expect(counted(chatChunkTextKeys, events)).toEqual({ pieces: 6, textBytes: 5 + 13 + 5 + 4 + 10 + 2 });
  });

  it('counts only keys, not values or longer names, and reads past spaces', () => {
    const spaced = 'data: {"choices": [{"delta": {"content": "spaced out"}}]}\n\n';
    expect(counted(chatChunkTextKeys, spaced)).toEqual({ pieces: 1, textBytes: 10 });
    // `"type":"text"` is a value; `cited_text` a longer name: only the text delta counts.
    const anthropic =
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"cited_text":"a quote"}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Paris is"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hmm"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":1}"}}\n\n';
    expect(counted(anthropicDeltaTextKeys, anthropic)).toEqual({ pieces: 3, textBytes: 8 + 3 + 9 });
  });

  it('counts Responses API deltas, not the event names that end in .delta, and legacy completions text', () => {
    const responses =
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_1","delta":"Hi there"}\n\n' +
      'event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","delta":"{}"}\n\n' +
      'event: response.output_text.done\ndata: {"type":"response.output_text.done","text":"Hi there"}\n\n';
    expect(counted(responsesDeltaTextKeys, responses)).toEqual({ pieces: 2, textBytes: 10 });
    expect(counted(completionChunkTextKeys, data({ choices: [{ text: 'once upon', index: 0 }] }))).toEqual({ pieces: 1, textBytes: 9 });
  });

  it('stops at a string cut off at the end of the bytes', () => {
    expect(counted(chatChunkTextKeys, 'data: {"choices":[{"delta":{"content":"unfinished')).toEqual({ pieces: 0, textBytes: 0 });
  });
});

describe('AnthropicEventTap', () => {
  it("counts parsed deltas' text (Claude on Bedrock) beside message_start's usage", () => {
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const tap = new AnthropicEventTap(summary, 'bedrock', []);
    tap.note({ type: 'message_start', message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 40, output_tokens: 1 } } });
    tap.note({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bonjour' } });
    tap.note({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a"' } });
    tap.note({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } });
    expect(summary.output).toEqual({ pieces: 2, textBytes: 7 + 4 });
    expect(summary.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 1 });
  });
});
