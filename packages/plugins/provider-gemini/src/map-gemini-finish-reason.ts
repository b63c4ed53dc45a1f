import type { FinishReason } from '@tollgate/core';

const filtered = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

/**
 * Gemini's `finishReason` as OpenAI's `finish_reason`. Gemini says `STOP` after function calls too,
 * so `calledFunctions` turns that into `tool_calls`; content blocked by a filter is `content_filter`.
 */
export function mapGeminiFinishReason(reason: string | undefined, calledFunctions: boolean): FinishReason | null {
  if (reason === undefined) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (filtered.has(reason)) return 'content_filter';
  return calledFunctions ? 'tool_calls' : 'stop';
}
