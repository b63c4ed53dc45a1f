import type { GatewayContext, Logger } from '@tollgate/core';
import { cacheKeyOf, type ResponseCacheOptions, type SimilarAnswer, type SimilarAnswers } from '@tollgate/response-cache';
import type { EmbeddingClient } from './embedding-client.js';
import { questionOf } from './question-of.js';
import type { QuestionStore } from './question-store.js';

declare module '@tollgate/core' {
  interface ContextVariableMap {
    /** The request's question as embedded by the semantic cache, to remember once its answer is stored. */
    semanticQuestion: { readonly partition: string; readonly vector: Float32Array };
  }
}

/** Options of a {@link SemanticIndex}. */
export interface SemanticIndexOptions {
  readonly minSimilarity: number;
  /** Where the questions are kept: this process's memory or Redis. */
  readonly questions: QuestionStore;
  /** The response cache's options: its scope and namespace make the partitions. */
  readonly cache: ResponseCacheOptions;
  readonly now?: () => number;
  /** Told of each question embedded (for the ledger): the request it was asked in, its tokens, the call's milliseconds. */
  readonly onEmbedded?: (context: GatewayContext, promptTokens: number | undefined, latencyMs: number) => void;
}

/**
 * Finds a stored answer to a question like the one asked: only in the same partition — the same
 * tenant, model, targets, system prompt, history and parameters, only the last question's wording
 * free — and only one whose embedding is at least `minSimilarity` alike (cosine), the closest first;
 * a scan of the partition's questions per lookup. An embedding that fails is a miss, logged.
 */
export class SemanticIndex implements SimilarAnswers {
  readonly #embeddings: EmbeddingClient;
  readonly #options: SemanticIndexOptions;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(embeddings: EmbeddingClient, options: SemanticIndexOptions, logger: Logger) {
    this.#embeddings = embeddings;
    this.#options = options;
    this.#logger = logger;
    this.#now = options.now ?? Date.now;
  }

  async find(context: GatewayContext): Promise<SimilarAnswer | undefined> {
    const question = questionOf(context);
    if (question === undefined) return undefined;
    const partition = cacheKeyOf(context, this.#options.cache, question.rest);
    let vector: Float32Array;
    const startedAt = performance.now();
    try {
      const embedding = await this.#embeddings.embed(question.text);
      vector = embedding.vector;
      this.#options.onEmbedded?.(context, embedding.promptTokens, performance.now() - startedAt);
    } catch (error) {
      this.#logger.warn({ err: error, requestId: context.requestId }, 'semantic cache: the question could not be embedded; a miss');
      return undefined;
    }
    context.set('semanticQuestion', { partition, vector });
    let best: SimilarAnswer | undefined;
    for (const stored of await this.#options.questions.questions(partition, this.#now())) {
      if (stored.vector.length !== vector.length) continue;
      let similarity = 0;
      for (let index = 0; index < vector.length; index += 1) similarity += vector[index]! * stored.vector[index]!;
      if (similarity >= this.#options.minSimilarity && (best === undefined || similarity > best.similarity)) best = { key: stored.key, similarity: Math.min(1, similarity) };
    }
    return best;
  }

  remember(context: GatewayContext, key: string, ttlMs: number): void {
    const question = context.get('semanticQuestion');
    if (question === undefined) return;
    const now = this.#now();
    this.#options.questions.add(question.partition, { key, vector: question.vector, expiresAt: now + ttlMs }, now);
  }
}
