import type { ChatCompletionResponse, FinishReason } from '@tollgate/core';

/** The legacy API's finish reasons: `stop`, `length`, `content_filter` (a chat model's tool call stops it). */
export function toCompletionsFinishReason(reason: FinishReason | null): 'stop' | 'length' | 'content_filter' | null {
  if (reason === null || reason === 'length' || reason === 'content_filter') return reason;
  return 'stop';
}

/**
 * A canonical chat completion as a legacy `text_completion`: each choice's message text as its `text`,
 * its legacy log probabilities where an upstream of the legacy API gave them, and the usage.
 */
export function toCompletionsResponse(response: ChatCompletionResponse): Record<string, unknown> {
  return {
    id: response.id,
    object: 'text_completion',
    created: response.created,
    model: response.model,
    choices: response.choices.map((choice) => ({
      text: typeof choice.message.content === 'string' ? choice.message.content : '',
      index: choice.index,
      logprobs: choice.logprobs ?? null,
      finish_reason: toCompletionsFinishReason(choice.finish_reason),
    })),
    ...(response.usage === undefined ? {} : { usage: { prompt_tokens: response.usage.prompt_tokens, completion_tokens: response.usage.completion_tokens, total_tokens: response.usage.total_tokens } }),
    ...(response.system_fingerprint == null ? {} : { system_fingerprint: response.system_fingerprint }),
  };
}
