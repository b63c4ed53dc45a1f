import { rerankDocumentText, z, type RerankRequest, type RerankResponse } from '@tollgate/core';

/** What the Agent Runtime's Rerank answer must hold to be read. */
export const bedrockRerankAnswerSchema = z.looseObject({ results: z.array(z.looseObject({ index: z.number(), relevanceScore: z.number() })) });

/** The Rerank API's answer: each source's position in the request with its relevance, best first. */
export interface BedrockRerankAnswer {
  readonly results: readonly { readonly index: number; readonly relevanceScore: number }[];
}

/**
 * A rerank request as the Agent Runtime's `Rerank` takes it: the query as one `TEXT` query, each
 * document an `INLINE` `TEXT` source, the model as a foundation model's ARN in the provider's region
 * (an ARN given as the model id is kept), `top_n` as `numberOfResults` (every document when left out).
 */
export function toBedrockRerankBody(request: RerankRequest, model: string, region: string): string {
  return JSON.stringify({
    queries: [{ type: 'TEXT', textQuery: { text: request.query } }],
    sources: request.documents.map((document) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text: rerankDocumentText(document) } } })),
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL',
      bedrockRerankingConfiguration: {
        numberOfResults: Math.min(request.top_n ?? request.documents.length, request.documents.length),
        modelConfiguration: { modelArn: model.startsWith('arn:') ? model : `arn:aws:bedrock:${region}::foundation-model/${model}` },
      },
    },
  });
}

/**
 * Bedrock's answer as the rerank API's shape (Cohere's v2, Jina's): `relevance_score` for
 * `relevanceScore`, each document's text when the request asked for it (`return_documents: true`).
 * No usage: Bedrock bills reranking per query, which a `request` price prices.
 */
export function fromBedrockRerankAnswer(answer: BedrockRerankAnswer, request: RerankRequest, model: string): RerankResponse {
  return {
    model,
    results: answer.results.map(({ index, relevanceScore }) => ({
      index,
      relevance_score: relevanceScore,
      ...(request.return_documents === true && request.documents[index] !== undefined ? { document: { text: rerankDocumentText(request.documents[index]) } } : {}),
    })),
  };
}
