import { z, type EmbeddingRequest, type EmbeddingResponse } from '@tollgate/core';
import { embeddingTexts, encodeEmbedding } from '@tollgate/provider-utils';

/** One prediction of Vertex AI's text embedding models: the vector, and the tokens its text took. */
interface VertexEmbeddingPrediction {
  readonly embeddings?: { readonly values?: readonly number[]; readonly statistics?: { readonly token_count?: number; readonly truncated?: boolean } };
}

/** What an embedding answer must hold to be read: a vector per prediction. */
export const vertexEmbeddingAnswerSchema = z.looseObject({ predictions: z.array(z.looseObject({ embeddings: z.looseObject({ values: z.array(z.number()) }) })) });

/** Vertex AI's `:predict` answer for a text embedding model. */
export interface VertexEmbeddingAnswer {
  readonly predictions?: readonly VertexEmbeddingPrediction[];
}

/** Gemini's embedding models take one text a request on Vertex AI; the text-embedding models up to 250. */
function textsPerRequest(model: string): number {
  return /^gemini-embedding/.test(model) ? 1 : 250;
}

/**
 * An OpenAI embeddings request as the bodies of Vertex AI `:predict` calls, in order: each text an
 * instance (`content`, and the request's `task_type` — `RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`… — when
 * it names one), `dimensions` as `outputDimensionality`, as many texts a call as the model takes.
 * Token ids have no text to send: refused.
 */
export function toVertexEmbeddingBodies(request: EmbeddingRequest, model: string): string[] {
  const texts = embeddingTexts(request);
  const taskType = typeof request.task_type === 'string' ? request.task_type : undefined;
  const parameters = typeof request.dimensions === 'number' ? { outputDimensionality: request.dimensions } : undefined;
  const size = textsPerRequest(model);
  const bodies: string[] = [];
  for (let start = 0; start < texts.length; start += size) {
    const instances = texts.slice(start, start + size).map((content) => (taskType === undefined ? { content } : { content, task_type: taskType }));
    bodies.push(JSON.stringify(parameters === undefined ? { instances } : { instances, parameters }));
  }
  return bodies;
}

/**
 * The answers of those calls as one OpenAI embeddings answer: each prediction's values in input
 * order (as base64 float32 when asked for), the tokens Vertex AI counted (`statistics.token_count`)
 * as the usage.
 */
export function fromVertexEmbeddingAnswers(answers: readonly VertexEmbeddingAnswer[], request: EmbeddingRequest, model: string): EmbeddingResponse {
  const data: EmbeddingResponse['data'][number][] = [];
  let tokens = 0;
  for (const answer of answers) {
    for (const prediction of answer.predictions ?? []) {
      const values = prediction.embeddings?.values ?? [];
      tokens += prediction.embeddings?.statistics?.token_count ?? 0;
      data.push({ object: 'embedding', index: data.length, embedding: encodeEmbedding(values, request.encoding_format) });
    }
  }
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
