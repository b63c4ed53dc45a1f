import type { Usage } from '@tollgate/core';
import type { AnthropicUsage } from './anthropic-messages.js';

/**
 * Anthropic usage in OpenAI's shape. Anthropic's `input_tokens` excludes cache reads and writes;
 * OpenAI's `prompt_tokens` includes cached tokens, so they are added back, and kept apart in
 * `prompt_tokens_details` (`cached_tokens` reads, `cache_write_tokens` writes, of which
 * `cache_write_1h_tokens` for an hour) to be priced apart;
 * web searches Anthropic ran go to `server_tool_use`, priced per search.
 */
export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.output_tokens ?? 0;
  const webSearches = usage.server_tool_use?.web_search_requests ?? 0;
  const hourWrites = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite, ...(hourWrites > 0 ? { cache_write_1h_tokens: hourWrites } : {}) },
    ...(webSearches > 0 ? { server_tool_use: { web_search_requests: webSearches } } : {}),
  };
}

/**
 * The processing tier Anthropic's usage names, as the engine prices it: `fast` when fast mode served
 * the answer (`usage.speed`); undefined at standard speed. (Anthropic's `service_tier: priority` is a
 * capacity commitment, not a per-token price: it is not reported.)
 */
export function anthropicServiceTier(usage: AnthropicUsage | undefined): 'fast' | undefined {
  return usage?.speed === 'fast' ? 'fast' : undefined;
}

/**
 * Usage so far with a stream event's counts over it: `message_delta` carries cumulative counts (input
 * and cache counts too, which grow while server tools run), and a count it leaves null or out is kept.
 */
export function mergeAnthropicUsage(usage: AnthropicUsage, counts: AnthropicUsage | undefined): AnthropicUsage {
  if (counts === undefined || counts === null) return usage;
  const merged: Record<string, unknown> = { ...usage };
  for (const [name, count] of Object.entries(counts)) if (count !== null && count !== undefined) merged[name] = count;
  return merged as AnthropicUsage;
}
