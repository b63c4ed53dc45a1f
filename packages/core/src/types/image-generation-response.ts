import type { Usage } from './usage.js';

/**
 * OpenAI's images answer: one entry per image (base64 data, or a URL for DALL·E's `response_format:
 * url`), and for GPT Image models the tokens counted (`input_tokens` the prompt's, `output_tokens` the
 * images').
 */
export interface ImageGenerationResponse {
  readonly created: number;
  readonly data: readonly { readonly b64_json?: string; readonly url?: string; readonly revised_prompt?: string }[];
  readonly usage?: {
    readonly input_tokens: number;
    readonly output_tokens: number;
    readonly total_tokens: number;
    readonly input_tokens_details?: { readonly text_tokens?: number; readonly image_tokens?: number };
    /** GPT Image 1.5 and later: the images' tokens and the text's apart (priced apart). */
    readonly output_tokens_details?: { readonly text_tokens?: number; readonly image_tokens?: number };
    /** The cost in USD the upstream reported for the images (OpenRouter's `usage.cost`), recorded as it is. */
    readonly cost?: number;
  };
  readonly [extension: string]: unknown;
}

/**
 * An images answer's usage as Tollgate counts it: a GPT Image model's tokens (the prompt's in, an
 * edit's images among them; the images' out, all of them unless the answer tells its text apart),
 * else none; `images` billed as requests either way (DALL·E is priced by the image); a cost the
 * upstream reported kept as the request's.
 */
export function imagesUsage(usage: ImageGenerationResponse['usage'] | null | undefined, images: number): Usage {
  if (usage == null) return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, billed_requests: images };
  const imageInput = usage.input_tokens_details?.image_tokens ?? 0;
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
    ...(imageInput > 0 ? { prompt_tokens_details: { image_tokens: imageInput } } : {}),
    completion_tokens_details: { image_tokens: usage.output_tokens_details?.image_tokens ?? usage.output_tokens },
    billed_requests: images,
    ...(usage.cost === undefined ? {} : { cost: usage.cost }),
  };
}
