import { imagesUsage, type Usage } from '@tollgate/core';

/**
 * Whether an upstream's answer is an images answer (OpenAI's Images API shape): a numeric `created`
 * and a `data` list of objects; its `usage`, where present, with numeric token counts.
 */
export function isImagesResponse(value: unknown): boolean {
  const answer = value as { created?: unknown; data?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown; total_tokens?: unknown } | null } | null;
  if (typeof answer?.created !== 'number' || !Array.isArray(answer.data)) return false;
  for (const image of answer.data) if (typeof image !== 'object' || image === null) return false;
  const usage = answer.usage;
  return usage == null || (typeof usage.input_tokens === 'number' && typeof usage.output_tokens === 'number' && typeof usage.total_tokens === 'number');
}


/** The usage of a streamed image's `image_generation.completed` event: the prompt's tokens in, the image's out, one image billed. */
export function imageStreamUsage(event: Record<string, any>): Usage {
  return imagesUsage(event.usage, 1);
}
