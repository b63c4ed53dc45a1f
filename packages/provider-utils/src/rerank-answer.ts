/**
 * Whether an upstream's answer is a rerank answer (Cohere's v2, Jina's, vLLM's shape): `results`,
 * each with a numeric `index` and `relevance_score`.
 */
export function isRerankResponse(value: unknown): boolean {
  const results = (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return false;
  for (const result of results) if (typeof result?.index !== 'number' || typeof result.relevance_score !== 'number') return false;
  return true;
}
