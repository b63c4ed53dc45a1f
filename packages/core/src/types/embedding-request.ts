/** The canonical embeddings request: OpenAI's `/v1/embeddings` body. */
export interface EmbeddingRequest {
  readonly model: string;
  readonly input: string | readonly string[] | readonly number[] | readonly (readonly number[])[];
  readonly encoding_format?: 'float' | 'base64';
  readonly dimensions?: number;
  readonly user?: string;
  readonly [extension: string]: unknown;
}
