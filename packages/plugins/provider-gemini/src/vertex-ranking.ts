import { rerankDocumentText, z, type RerankRequest, type RerankResponse } from '@tollgate/core';

/** What the Ranking API's answer must hold to be read. */
export const rankAnswerSchema = z.looseObject({ records: z.array(z.looseObject({ id: z.string(), score: z.number() })).default([]) });

/** The Ranking API's answer: the records by descending score, with their text unless left out. */
export interface RankAnswer {
  readonly records: readonly { readonly id: string; readonly score: number; readonly content?: string }[];
}

/**
 * A rerank request as Vertex AI's Ranking API (`rankingConfigs/default_ranking_config:rank`) takes it:
 * the model (`semantic-ranker-default@latest`, …), the query, each document a record whose id is its
 * position, `top_n` as `topN`, and the records' text left out of the answer unless the request wants
 * the documents back.
 */
export function toRankRequest(request: RerankRequest, model: string): string {
  return JSON.stringify({
    model,
    query: request.query,
    records: request.documents.map((document, index) => ({ id: String(index), content: rerankDocumentText(document) })),
    ...(request.top_n === undefined ? {} : { topN: request.top_n }),
    ignoreRecordDetailsInResponse: request.return_documents !== true,
  });
}

/** The Ranking API's answer in the rerank API's shape: each record's id back to the document's index, its score as `relevance_score`. */
export function fromRankAnswer(answer: RankAnswer, model: string): RerankResponse {
  return {
    model,
    results: answer.records.map((record) => ({ index: Number(record.id), relevance_score: record.score, ...(typeof record.content === 'string' ? { document: { text: record.content } } : {}) })),
  };
}
