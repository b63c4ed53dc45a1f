import type { GatewayContext, Logger } from '@tollgate/core';
import { cacheKeyOf, type ResponseCacheOptions, type SimilarAnswer, type SimilarAnswers } from '@tollgate/response-cache';
import type { EmbeddingClient } from './embedding-client.js';
import { questionOf } from './question-of.js';

/** A question asked: where it belongs (its request less the question, its tenant), its vector, where its answer is stored. */
interface RememberedQuestion {
  readonly partition: string;
  readonly vector: Float32Array;
  readonly key: string;
  readonly expiresAt: number;
}

declare module '@tollgate/core' {
  interface ContextVariableMap {
    /** The request's question as embedded by the semantic cache, to remember once its answer is stored. */
    semanticQuestion: { readonly partition: string; readonly vector: Float32Array };
  }
}

/** Options of a {@link SemanticIndex}. */
export interface SemanticIndexOptions {
  readonly minSimilarity: number;
  readonly maxQuestions: number;
  /** The response cache's options: its scope and namespace make the partitions. */
  readonly cache: ResponseCacheOptions;
  readonly now?: () => number;
}

/**
 * The questions answered so far, by partition: a request finds a stored answer only to a question of
 * the same partition — the same tenant, model, targets, system prompt, history and parameters, only
 * the last question's wording free — whose embedding is at least `minSimilarity` alike (cosine).
 * Held in memory, at most `maxQuestions` (the oldest go first), each until its answer's TTL; a scan
 * of the partition per lookup. An embedding that fails is a miss, logged.
 */
export class SemanticIndex implements SimilarAnswers {
  readonly #embeddings: EmbeddingClient;
  readonly #options: SemanticIndexOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #partitions = new Map<string, RememberedQuestion[]>();
  /** Every question by its answer's key, oldest first (a `Map` keeps insertion order). */
  readonly #byKey = new Map<string, RememberedQuestion>();

  constructor(embeddings: EmbeddingClient, options: SemanticIndexOptions, logger: Logger) {
    this.#embeddings = embeddings;
    this.#options = options;
    this.#logger = logger;
    this.#now = options.now ?? Date.now;
  }

  /** Questions remembered now. */
  get size(): number {
    return this.#byKey.size;
  }

  async find(context: GatewayContext): Promise<SimilarAnswer | undefined> {
    const question = questionOf(context);
    if (question === undefined) return undefined;
    const partition = cacheKeyOf(context, this.#options.cache, question.rest);
    let vector: Float32Array;
    try {
      vector = await this.#embeddings.embed(question.text);
    } catch (error) {
      this.#logger.warn({ err: error, requestId: context.requestId }, 'semantic cache: the question could not be embedded; a miss');
      return undefined;
    }
    context.set('semanticQuestion', { partition, vector });
    const questions = this.#partitions.get(partition);
    if (questions === undefined) return undefined;
    const now = this.#now();
    let best: SimilarAnswer | undefined;
    for (const remembered of questions) {
      if (remembered.expiresAt <= now || remembered.vector.length !== vector.length) continue;
      let similarity = 0;
      for (let index = 0; index < vector.length; index += 1) similarity += vector[index]! * remembered.vector[index]!;
      if (similarity >= this.#options.minSimilarity && (best === undefined || similarity > best.similarity)) best = { key: remembered.key, similarity: Math.min(1, similarity) };
    }
    return best;
  }

  remember(context: GatewayContext, key: string, ttlMs: number): void {
    const question = context.get('semanticQuestion');
    if (question === undefined) return;
    this.#forget(key);
    const remembered: RememberedQuestion = { ...question, key, expiresAt: this.#now() + ttlMs };
    this.#byKey.set(key, remembered);
    const questions = this.#partitions.get(question.partition);
    if (questions === undefined) this.#partitions.set(question.partition, [remembered]);
    else questions.push(remembered);
    while (this.#byKey.size > this.#options.maxQuestions) this.#forget(this.#byKey.keys().next().value!);
    this.#dropExpired(question.partition);
  }

  #forget(key: string): void {
    const remembered = this.#byKey.get(key);
    if (remembered === undefined) return;
    this.#byKey.delete(key);
    const questions = this.#partitions.get(remembered.partition)!;
    questions.splice(questions.indexOf(remembered), 1);
    if (questions.length === 0) this.#partitions.delete(remembered.partition);
  }

  /** Forgets the partition's questions whose answers have expired. */
  #dropExpired(partition: string): void {
    const now = this.#now();
    for (const remembered of [...(this.#partitions.get(partition) ?? [])]) if (remembered.expiresAt <= now) this.#forget(remembered.key);
  }
}
