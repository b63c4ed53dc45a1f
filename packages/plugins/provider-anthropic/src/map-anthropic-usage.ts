import type { Usage } from '@tollgate/core';
import type { AnthropicUsage } from './anthropic-messages.js';

/**
 * Anthropic usage in OpenAI's shape. Anthropic's `input_tokens` excludes cache reads and writes;
 * OpenAI's `prompt_tokens` includes cached tokens, so they are added back, and kept apart in
 * `prompt_tokens_details` (`cached_tokens` reads, `cache_write_tokens` writes) to be priced apart.
 */
export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}
