import type { ChatCompletionChunk } from '@tollgate/core';
import { toCompletionsFinishReason } from './to-completions-response.js';

/**
 * Encodes canonical chunks as a legacy completions stream: one `text_completion` event per chunk that
 * carries text, a finish reason or usage (the role chunk and reasoning pieces have no place in it). The
 * engine sends the usage chunk only to a client that asked for it (`stream_options.include_usage`).
 */
export function encodeCompletionsChunk(chunk: ChatCompletionChunk): string {
  const choices: Record<string, unknown>[] = [];
  for (const choice of chunk.choices) {
    const text = typeof choice.delta.content === 'string' ? choice.delta.content : '';
    if (text === '' && choice.finish_reason === null) continue;
    choices.push({ text, index: choice.index, logprobs: choice.logprobs ?? null, finish_reason: toCompletionsFinishReason(choice.finish_reason) });
  }
  const usage = chunk.usage;
  if (choices.length === 0 && usage == null) return '';
  const event = {
    id: chunk.id,
    object: 'text_completion',
    created: chunk.created,
    model: chunk.model,
    choices,
    ...(usage == null ? {} : { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } }),
  };
  return `data: ${JSON.stringify(event)}\n\n`;
}
