import { describe, expect, it } from 'vitest';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';
import { ChunkAccumulator } from './chunk-accumulator.js';
import { responseToChunks } from './response-to-chunks.js';

const answer: ChatCompletionResponse = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gemini-2.5-flash-image',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Here is your kite and the weather.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'data:image/png;base64,BBBB' } }],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 4, completion_tokens: 2_587, total_tokens: 2_591, completion_tokens_details: { image_tokens: 2_580 } },
};

describe('responseToChunks and ChunkAccumulator', () => {
  it('replay an answer as chunks and add them up into the same answer: text, images in order, tool calls, usage', async () => {
    const accumulator = new ChunkAccumulator();
    const chunks = [];
    for await (const chunk of responseToChunks(answer)) {
      chunks.push(chunk);
      accumulator.add(chunk);
    }
    // The images travel whole, in one delta, each with its index.
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.images !== undefined).map((chunk) => chunk.choices[0]!.delta.images)).toEqual([
      [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' }, index: 0 },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,BBBB' }, index: 1 },
      ],
    ]);
    expect(accumulator.finished).toBe(true);
    expect(accumulator.toResponse()).toEqual(answer);
  });
});
