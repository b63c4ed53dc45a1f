import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';

/**
 * Replays a complete answer as stream chunks (a cache hit or a hook's answer to a streaming client),
 * the way a model streams: per choice a role chunk with the first word, a chunk per further word
 * (spaces kept), the images, the tool calls, a finish chunk, then a usage chunk.
 */
export async function* responseToChunks(response: ChatCompletionResponse): AsyncGenerator<ChatCompletionChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  for (const choice of response.choices) {
    const { content, tool_calls: toolCalls } = choice.message;
    const words = typeof content === 'string' && content !== '' ? content.split(/(?<= )/) : [content ?? null];
    for (const [position, word] of words.entries()) {
      yield { ...base, choices: [{ index: choice.index, delta: position === 0 ? { role: 'assistant', content: word } : { content: word }, finish_reason: null }] };
    }
    if (choice.message.images !== undefined && choice.message.images.length > 0) {
      yield { ...base, choices: [{ index: choice.index, delta: { images: choice.message.images.map((image, index) => ({ ...image, index })) }, finish_reason: null }] };
    }
    if (toolCalls !== undefined) {
      yield { ...base, choices: [{ index: choice.index, delta: { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, finish_reason: null }] };
    }
    yield { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] };
  }
  if (response.usage !== undefined) yield { ...base, choices: [], usage: response.usage };
}
