import { z, type EmbeddingRequest, type EmbeddingResponse } from '@tollgate/core';
import { embeddingTexts, encodeEmbedding } from '@tollgate/provider-utils';

/** Whether a Bedrock model id names one of Amazon's Titan Text Embeddings models (v1, v2). */
export function isTitanTextEmbeddingModel(model: string): boolean {
  return model.includes('amazon.titan-embed-text');
}

/** What Titan's answer must hold to be read. */
export const titanEmbeddingAnswerSchema = z.looseObject({ embedding: z.array(z.number()), inputTextTokenCount: z.number() });

/** Titan's InvokeModel answer: one text's vector, and the tokens it took. */
export interface TitanEmbeddingAnswer {
  readonly embedding: readonly number[];
  readonly inputTextTokenCount: number;
}

/**
 * An OpenAI embeddings request as Titan's InvokeModel bodies, one a text (Titan embeds one text a
 * call): `inputText`, and `dimensions` (256, 512 or 1,024 on v2) when the request gives it. Token ids
 * have no text to send: refused.
 */
export function toTitanEmbeddingBodies(request: EmbeddingRequest): string[] {
  return embeddingTexts(request).map((inputText) => JSON.stringify(typeof request.dimensions === 'number' ? { inputText, dimensions: request.dimensions } : { inputText }));
}

/** Titan's answers, in input order, as one OpenAI embeddings answer (base64 when asked for), their token counts summed as its usage. */
export function fromTitanEmbeddingAnswers(answers: readonly TitanEmbeddingAnswer[], request: EmbeddingRequest, model: string): EmbeddingResponse {
  let tokens = 0;
  const data = answers.map((answer, index) => {
    tokens += answer.inputTextTokenCount;
    return { object: 'embedding' as const, index, embedding: encodeEmbedding(answer.embedding, request.encoding_format) };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
