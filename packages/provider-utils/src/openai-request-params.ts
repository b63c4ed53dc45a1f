import { isEmptyToolCalls } from './tool-fields-without-tools.js';

/**
 * The top-level fields of OpenAI's `POST /chat/completions` request, as its API reference lists them.
 * OpenAI's own API (and Azure OpenAI) refuses any other with a 400 (`Unrecognized request argument
 * supplied`): another server's extension a client sent — vLLM's `top_k`, OpenRouter's `provider` —
 * fails a fallback to it unless the provider drops it (`dropParams`).
 */
export const openAIChatParams: ReadonlySet<string> = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction',
  'presence_penalty', 'prompt_cache_key', 'prompt_cache_retention', 'reasoning_effort', 'response_format',
  'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature',
  'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);

/**
 * The fields of an assistant message in OpenAI's chat completions request, as its API reference lists
 * them. What another API's answer added to a message a client sends back — `reasoning_content`,
 * `reasoning_details` (Claude's signed thinking, OpenRouter's) — is not among them.
 */
export const openAIAssistantMessageFields: ReadonlySet<string> = new Set(['role', 'content', 'name', 'refusal', 'tool_calls', 'function_call', 'audio']);

/** The top-level fields of OpenAI's `POST /embeddings` request, as its API reference lists them. */
export const openAIEmbeddingParams: ReadonlySet<string> = new Set(['input', 'model', 'encoding_format', 'dimensions', 'user']);

/**
 * Which of a request's fields a provider drops, from its `dropParams` option: `true`, every field its
 * upstream does not define (`known`); a list, the fields named; `false`, none (undefined: no check).
 */
export function paramDropper(dropParams: boolean | readonly string[], known: ReadonlySet<string>): ((field: string) => boolean) | undefined {
  if (dropParams === false) return undefined;
  if (dropParams === true) return (field) => !known.has(field);
  const named = new Set(dropParams);
  return (field) => named.has(field);
}

/**
 * The messages with the fields `drop` says of left out of each assistant message (and an empty
 * `tool_calls`, which OpenAI refuses), and the names `drop` left out; the same array (and no names)
 * when there were none.
 */
export function withoutAssistantFields<T extends { readonly role: string }>(messages: readonly T[], drop: (field: string) => boolean): { readonly messages: readonly T[]; readonly dropped: readonly string[] } {
  // Every chat request comes by here: a look without allocating first, a copy only when a field goes.
  if (!messages.some((message) => message.role === 'assistant' && hasDroppedField(message, drop))) return { messages, dropped: noFields };
  const dropped = new Set<string>();
  const kept = messages.map((message) => {
    if (message.role !== 'assistant') return message;
    let copy: Record<string, unknown> | undefined;
    for (const field in message) {
      const value = (message as Record<string, unknown>)[field];
      if (value === undefined) continue;
      const empty = isEmptyToolCalls(field, value);
      if (!empty && !drop(field)) continue;
      copy ??= { ...message };
      copy[field] = undefined;
      if (!empty) dropped.add(field);
    }
    return (copy as T | undefined) ?? message;
  });
  return { messages: kept, dropped: [...dropped] };
}

const noFields: readonly string[] = Object.freeze([]);

/** Whether a message has a field, set, that `drop` leaves out. */
function hasDroppedField(message: object, drop: (field: string) => boolean): boolean {
  for (const field in message) {
    const value = (message as Record<string, unknown>)[field];
    if (value !== undefined && (drop(field) || isEmptyToolCalls(field, value))) return true;
  }
  return false;
}

/** `request` without the fields named (JSON leaves out an undefined field), for encoding. */
export function withoutFields<T extends object>(request: T, fields: readonly string[] | undefined): T {
  if (fields === undefined) return request;
  const copy = { ...request } as Record<string, unknown>;
  for (const field of fields) copy[field] = undefined;
  return copy as T;
}
