/**
 * Builders of OpenAI wire objects, shaped as OpenAI's API reference documents them: chat completions,
 * `chat.completion.chunk` events (with `usage: null` on every chunk and a final usage chunk with empty
 * `choices` when `stream_options.include_usage` is set), embeddings and error bodies.
 */
import type { MockToolCall } from './mock-reply.js';

/** Token counts the mock reports, in OpenAI's usage shape. */
export function openAIUsage(prompt: number, completion: number, cached = 0, reasoning = 0) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/**
 * The tier OpenAI says it served a request at: the one asked for when it is `priority` or `flex`
 * (`auto` and `default` are served at `default`, as for a project without a default tier of its own).
 */
export function servedServiceTier(requested: unknown): string {
  return requested === 'priority' || requested === 'flex' ? requested : 'default';
}

/** A complete `chat.completion`. */
export function openAIChatCompletion(input: { id: string; created: number; model: string; content: string | null; toolCalls?: readonly MockToolCall[]; finishReason?: string; usage: ReturnType<typeof openAIUsage>; serviceTier?: string }) {
  const toolCalls = input.toolCalls?.map((call, index) => ({ id: call.id ?? `call_${index}_${input.id}`, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return {
    id: input.id,
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: toolCalls === undefined ? input.content : null, refusal: null, annotations: [], ...(toolCalls === undefined ? {} : { tool_calls: toolCalls }) },
      logprobs: null,
      finish_reason: input.finishReason ?? (toolCalls === undefined ? 'stop' : 'tool_calls'),
    }],
    usage: input.usage,
    service_tier: input.serviceTier ?? 'default',
    system_fingerprint: 'fp_tollgate_mock',
  };
}

/** One `chat.completion.chunk` with a single choice (or none, for the usage chunk). */
export function openAIChunk(input: { id: string; created: number; model: string; includeUsage: boolean; delta?: Record<string, unknown>; finishReason?: string | null; usage?: ReturnType<typeof openAIUsage>; serviceTier?: string }) {
  return {
    id: input.id,
    object: 'chat.completion.chunk',
    created: input.created,
    model: input.model,
    service_tier: input.serviceTier ?? 'default',
    system_fingerprint: 'fp_tollgate_mock',
    choices: input.delta === undefined ? [] : [{ index: 0, delta: input.delta, logprobs: null, finish_reason: input.finishReason ?? null }],
    ...(input.includeUsage ? { usage: input.usage ?? null } : {}),
  };
}

/** An error body: `{"error":{"message","type","param","code"}}`. */
export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** A deterministic embedding of a text: `dimensions` floats in [-1, 1]. */
export function mockEmbedding(text: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (let index = 0; index < text.length; index += 1) seed = Math.imul(seed ^ text.charCodeAt(index), 16777619) >>> 0;
  const vector: number[] = [];
  for (let index = 0; index < dimensions; index += 1) {
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0;
    vector.push(Math.fround((seed / 0xffffffff) * 2 - 1));
  }
  return vector;
}

/** Floats as OpenAI's base64 encoding: little-endian float32 bytes. */
export function toBase64Floats(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
