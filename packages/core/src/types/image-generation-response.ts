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
  };
  readonly [extension: string]: unknown;
}
