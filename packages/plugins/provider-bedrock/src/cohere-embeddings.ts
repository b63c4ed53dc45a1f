import { GatewayError, z, type EmbeddingRequest, type EmbeddingResponse } from '@tollgate/core';
import { embeddingTexts, encodeEmbedding } from '@tollgate/provider-utils';

/** Whether a Bedrock model id names one of Cohere's Embed models (v3 English and Multilingual, v4), cross-region profiles included. */
export function isCohereEmbeddingModel(model: string): boolean {
  return model.includes('cohere.embed-');
}

/** Texts Cohere's Embed takes in one call on Bedrock. */
const textsPerCall = 96;

/** What a text is embedded for: Cohere prepends a token for each (a corpus as `search_document`, a question as `search_query`). */
const inputTypes = ['search_document', 'search_query', 'classification', 'clustering'] as const;

/** The vector lengths Embed v4 can shorten its vectors to (`output_dimension`); v3's are 1,024, fixed. */
const v4Dimensions = [256, 512, 1024, 1536];

/** What Cohere's answer must hold to be read: float vectors by type, as `embedding_types: ["float"]` asks. */
export const cohereEmbeddingAnswerSchema = z.looseObject({ embeddings: z.looseObject({ float: z.array(z.array(z.number())) }) });

/** Cohere's InvokeModel answer: a vector a text, in order. */
export interface CohereEmbeddingAnswer {
  readonly embeddings: { readonly float: readonly (readonly number[])[] };
}

/**
 * An OpenAI embeddings request as Cohere Embed's InvokeModel bodies, 96 texts a call: `texts`,
 * `input_type` (the request's own `input_type`, else `search_document`, what a corpus is embedded
 * as), `embedding_types: ["float"]`, and on v4 `output_dimension` from `dimensions`. v3's vectors
 * cannot be shortened, and token ids have no text to send: both refused (400).
 */
export function toCohereEmbeddingBodies(request: EmbeddingRequest, model: string): string[] {
  const texts = embeddingTexts(request);
  const inputType = request.input_type ?? 'search_document';
  if (!inputTypes.includes(inputType as (typeof inputTypes)[number])) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Cohere's Embed models take input_type ${inputTypes.join(', ')}; got ${JSON.stringify(inputType)}.`, { param: 'input_type' });
  }
  const v4 = model.includes('cohere.embed-v4');
  if (request.dimensions !== undefined && (!v4 || !v4Dimensions.includes(request.dimensions))) {
    const allowed = v4 ? `Embed v4 makes vectors of ${v4Dimensions.join(', ')} dimensions` : 'Embed v3 makes vectors of 1024 dimensions only';
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${allowed}; got dimensions ${String(request.dimensions)}.`, { param: 'dimensions' });
  }
  const bodies: string[] = [];
  for (let start = 0; start < texts.length; start += textsPerCall) {
    const body = { texts: texts.slice(start, start + textsPerCall), input_type: inputType, embedding_types: ['float'], ...(request.dimensions === undefined ? {} : { output_dimension: request.dimensions }) };
    bodies.push(JSON.stringify(body));
  }
  return bodies;
}

/**
 * Cohere's answers, in input order, as one OpenAI embeddings answer (base64 when asked for); the usage
 * is the input tokens Bedrock counted for each call (`x-amzn-bedrock-input-token-count`: Cohere's body
 * has no count).
 */
export function fromCohereEmbeddingAnswers(answers: readonly { readonly answer: CohereEmbeddingAnswer; readonly inputTokens: number }[], request: EmbeddingRequest, model: string): EmbeddingResponse {
  let tokens = 0;
  const data: EmbeddingResponse['data'][number][] = [];
  for (const { answer, inputTokens } of answers) {
    tokens += inputTokens;
    for (const vector of answer.embeddings.float) data.push({ object: 'embedding', index: data.length, embedding: encodeEmbedding(vector, request.encoding_format) });
  }
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
