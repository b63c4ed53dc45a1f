import type { Usage } from '@tollgate/core';
import type { GeminiUsageMetadata } from './gemini-content.js';

/**
 * Gemini usage in OpenAI's shape. `prompt_tokens` is the prompt plus tool-use prompt tokens, with
 * `cachedContentTokenCount` as `cached_tokens` (already included, as in OpenAI's count).
 * `completion_tokens` adds the thinking tokens (`thoughtsTokenCount`, billed as output but counted apart
 * from `candidatesTokenCount`), which `reasoning_tokens` repeats, as OpenAI reports reasoning; the
 * images an image model made (`candidatesTokensDetails`' `IMAGE` count) as `image_tokens`, priced apart.
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts;
  const images = usage?.candidatesTokensDetails?.find((detail) => detail.modality === 'IMAGE')?.tokenCount ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts, ...(images > 0 ? { image_tokens: images } : {}) },
  };
}
