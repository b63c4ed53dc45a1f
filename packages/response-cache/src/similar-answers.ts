import type { GatewayContext } from '@tollgate/core';

/** A stored answer to a request like the one asked: its key in the store, and how alike the two are (1: the same). */
export interface SimilarAnswer {
  readonly key: string;
  readonly similarity: number;
}

/**
 * What a semantic cache adds to the response cache: after a request's exact key misses, the key of a
 * stored answer to a request like it (`find`); once an answer is stored, the note that makes it
 * findable (`remember`). `find` never rejects: a failure is a miss.
 */
export interface SimilarAnswers {
  find(context: GatewayContext): Promise<SimilarAnswer | undefined>;
  remember(context: GatewayContext, key: string, ttlMs: number): void;
}
