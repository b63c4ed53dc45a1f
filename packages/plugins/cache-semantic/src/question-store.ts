/** A question a semantic cache answered: its answer's key in the cache, its embedding, and when the answer expires (epoch ms). */
export interface StoredQuestion {
  readonly key: string;
  readonly vector: Float32Array;
  readonly expiresAt: number;
}

/**
 * Where a semantic cache keeps the questions it answered, by partition (the tenant and the request
 * less its last question): this process's memory, or Redis for every instance.
 */
export interface QuestionStore {
  /** The partition's questions whose answers have not expired at `now`; none when the store fails (a miss). */
  questions(partition: string, now: number): Promise<readonly StoredQuestion[]>;
  /** Remembers a question (in place of one with the same key); never rejects: a failed write is dropped. */
  add(partition: string, question: StoredQuestion, now: number): void;
}
