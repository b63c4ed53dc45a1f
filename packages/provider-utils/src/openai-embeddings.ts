import { GatewayError, type EmbeddingRequest } from '@tollgate/core';

/**
 * The texts of an OpenAI embeddings request, for a provider that translates it to another API: a
 * string or an array of strings. Token ids have no text to send: refused (400, `param: "input"`).
 */
export function embeddingTexts(request: EmbeddingRequest): string[] {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : (input as readonly unknown[]);
  if (texts.length === 0 || texts.some((text) => typeof text !== 'string')) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Model "${request.model}" embeds text: send input as a string or an array of strings, not token ids.`, { param: 'input' });
  }
  return texts as string[];
}

/** A vector as an OpenAI embeddings answer gives it: the numbers, or their little-endian float32 bytes in base64 when the request asked for `base64`. */
export function encodeEmbedding(values: readonly number[], format: EmbeddingRequest['encoding_format']): readonly number[] | string {
  return format === 'base64' ? Buffer.from(new Float32Array(values).buffer).toString('base64') : values;
}
