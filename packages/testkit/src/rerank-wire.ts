/**
 * Rerank answers as the rerank APIs document them: Jina's (which vLLM, SGLang and Infinity follow) —
 * `{ model, usage: { total_tokens }, results: [{ index, document: { text }, relevance_score }] }` — and
 * Cohere's v2 — `{ id, results: [{ index, relevance_score }], meta: { billed_units: { search_units } } }`.
 */
import { countWords } from './mock-server.js';

/** Which rerank API the mock answers as. */
export type RerankShape = 'jina' | 'cohere';

const wordsOf = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * The mock's relevance of each document to a query, best first: the share of the query's words it
 * holds, a little less the later it comes (so no two tie), to six decimals.
 */
export function scoreDocuments(query: string, documents: readonly string[]): { readonly index: number; readonly text: string; readonly relevance_score: number }[] {
  const queryWords = wordsOf(query);
  const scored = documents.map((text, index) => {
    const words = wordsOf(text);
    const shared = [...queryWords].filter((word) => words.has(word)).length;
    return { index, text, relevance_score: Math.round(((queryWords.size === 0 ? 0 : shared / queryWords.size) * 0.9 + 0.09 / (index + 1)) * 1e6) / 1e6 };
  });
  return scored.sort((a, b) => b.relevance_score - a.relevance_score);
}

/**
 * Answers a rerank request: each document scored (see {@link scoreDocuments}), best first, cut to
 * `top_n`. Jina's shape counts the
 * query's words once per document plus the documents' as `total_tokens` (a cross-encoder reads each
 * pair) and returns each document unless `return_documents` is false; Cohere's bills one search unit
 * per 100 documents.
 */
export function rerankAnswer(body: Record<string, any>, shape: RerankShape, id: string): Record<string, unknown> {
  const query = String(body.query ?? '');
  const documents: string[] = (Array.isArray(body.documents) ? body.documents : []).map((document: unknown) => (typeof document === 'string' ? document : String((document as { text?: unknown })?.text ?? '')));
  const scored = scoreDocuments(query, documents);
  const top = typeof body.top_n === 'number' ? scored.slice(0, body.top_n) : scored;
  if (shape === 'cohere') {
    return { id, results: top.map(({ index, relevance_score }) => ({ index, relevance_score })), meta: { api_version: { version: '2' }, billed_units: { search_units: Math.max(1, Math.ceil(documents.length / 100)) } } };
  }
  const tokens = documents.reduce((sum, text) => sum + countWords(query) + countWords(text), 0);
  return {
    id,
    model: body.model,
    usage: { total_tokens: tokens },
    results: top.map(({ index, text, relevance_score }) => ({ index, ...(body.return_documents === false ? {} : { document: { text } }), relevance_score })),
  };
}
