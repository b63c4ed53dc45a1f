import { Pool } from 'undici';
import type { CacheSemanticOptions } from './cache-semantic-options.js';

/** A question's embedding, and what the embeddings server said it counted (its tokens), if it did. */
export interface Embedding {
  readonly vector: Float32Array;
  readonly promptTokens: number | undefined;
}

/**
 * Embeds questions with an OpenAI-compatible `POST /embeddings`, over one keep-alive pool. Each
 * vector comes back scaled to length 1, so the cosine of two is their dot product.
 */
export class EmbeddingClient {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #options: CacheSemanticOptions['embeddings'];

  constructor(options: CacheSemanticOptions['embeddings']) {
    const url = new URL(options.baseURL);
    this.#pool = new Pool(url.origin);
    this.#path = `${url.pathname.replace(/\/+$/, '')}/embeddings`;
    this.#headers = { 'content-type': 'application/json', ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }) };
    this.#options = options;
  }

  /** The text's embedding, of length 1, and its tokens. Rejects when the server fails, answers something else, or takes longer than `timeoutMs`. */
  async embed(text: string): Promise<Embedding> {
    const { model, dimensions, timeoutMs } = this.#options;
    const body = JSON.stringify({ model, input: text, encoding_format: 'float', ...(dimensions === undefined ? {} : { dimensions }) });
    const answer = await this.#pool.request({ method: 'POST', path: this.#path, headers: this.#headers, body, signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const answerText = await answer.body.text();
    if (answer.statusCode >= 400) throw new Error(`The embeddings server answered ${answer.statusCode}.`);
    const answerBody = JSON.parse(answerText) as { data?: { embedding?: unknown }[]; usage?: { prompt_tokens?: unknown } };
    const embedding = answerBody.data?.[0]?.embedding;
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((value) => typeof value === 'number')) {
      throw new Error('The embeddings server answered without a float embedding.');
    }
    const vector = Float32Array.from(embedding as number[]);
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let index = 0; index < vector.length; index += 1) vector[index]! /= norm;
    const promptTokens = answerBody.usage?.prompt_tokens;
    return { vector, promptTokens: typeof promptTokens === 'number' ? promptTokens : undefined };
  }

  /** Closes the pool's connections. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
