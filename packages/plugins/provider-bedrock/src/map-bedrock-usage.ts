import type { Usage } from '@tollgate/core';
import type { BedrockUsage } from './bedrock-content.js';

/**
 * Converse usage in OpenAI's shape. `inputTokens` excludes cache reads and writes; OpenAI's
 * `prompt_tokens` includes cached tokens, so they are added back and kept apart in
 * `prompt_tokens_details` (`cached_tokens` reads, `cache_write_tokens` writes) to be priced apart.
 */
export function mapBedrockUsage(usage: BedrockUsage | undefined): Usage {
  const cacheRead = usage?.cacheReadInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteInputTokens ?? 0;
  const prompt = (usage?.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}
