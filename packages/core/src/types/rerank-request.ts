/** A document to rank: its text, or an object with the text (Jina's and vLLM's `{ text }`). */
export type RerankDocument = string | { readonly text: string; readonly [extension: string]: unknown };

/** A document's text, whichever way it was given. */
export function rerankDocumentText(document: RerankDocument): string {
  return typeof document === 'string' ? document : document.text;
}

/**
 * The searches a ranking of `documents` documents is billed as where rerankers bill by the search
 * (Cohere's search units, Bedrock's and Vertex AI's queries): one per 100 documents, at least one. A
 * long document split in chunks counts once here, so this is the least it is billed.
 */
export function rerankSearches(documents: number): number {
  return Math.max(1, Math.ceil(documents / 100));
}

/**
 * The canonical rerank request: the body of `POST /v1/rerank` as Cohere's v2 API, Jina's, vLLM's and
 * the other rerank servers take it — rank `documents` by relevance to `query`.
 */
export interface RerankRequest {
  readonly model: string;
  readonly query: string;
  readonly documents: readonly RerankDocument[];
  /** How many of the best documents to return (default: all). */
  readonly top_n?: number;
  /** Whether each result carries its document's text (Jina's and vLLM's field). */
  readonly return_documents?: boolean;
  readonly user?: string;
  readonly [extension: string]: unknown;
}
