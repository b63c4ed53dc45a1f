/**
 * A rerank answer: the documents' positions in the request with their relevance, best first (Cohere's
 * v2, Jina's and vLLM's shape). `usage.total_tokens` where the upstream counts tokens (Jina, vLLM,
 * Voyage); `meta.billed_units.search_units` where it bills searches (Cohere).
 */
export interface RerankResponse {
  readonly id?: string;
  readonly model?: string;
  readonly results: readonly {
    readonly index: number;
    readonly relevance_score: number;
    readonly document?: { readonly text: string } | string;
  }[];
  readonly usage?: { readonly total_tokens?: number; readonly prompt_tokens?: number };
  readonly meta?: { readonly billed_units?: { readonly search_units?: number; readonly [unit: string]: unknown }; readonly [field: string]: unknown };
  readonly [extension: string]: unknown;
}
