import type { ChatCompletionResponse } from '@tollgate/core';
import { fromResponsesUsage } from './responses-answer.js';

/** Whether an answer is OpenAI's compacted conversation (`POST /responses/compact`): `object: "response.compaction"` and its output items. */
export function isCompactedResponse(value: unknown): boolean {
  const compacted = value as { object?: unknown; output?: unknown } | null;
  return compacted?.object === 'response.compaction' && Array.isArray(compacted.output);
}

/**
 * A compacted conversation as the canonical answer the engine records: no text (its items — the
 * user's messages and one encrypted `compaction` item — go to the client as the upstream's bytes),
 * the compaction pass's usage.
 */
export function chatCompletionOfCompaction(compacted: Readonly<Record<string, any>>, model: string): ChatCompletionResponse {
  const usage = fromResponsesUsage(compacted.usage);
  return {
    id: String(compacted.id ?? ''),
    object: 'chat.completion',
    created: typeof compacted.created_at === 'number' ? compacted.created_at : Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'stop', logprobs: null }],
    ...(usage === undefined ? {} : { usage }),
  };
}
