/** OpenAI's embeddings answer; `embedding` is a base64 string of float32 values when asked for base64. */
export interface EmbeddingResponse {
  readonly object: 'list';
  readonly data: readonly {
    readonly object: 'embedding';
    readonly index: number;
    readonly embedding: readonly number[] | string;
  }[];
  readonly model: string;
  readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
}
