import type { QuestionStore, StoredQuestion } from './question-store.js';

/** A question as held in memory, with its partition. */
interface HeldQuestion extends StoredQuestion {
  readonly partition: string;
}

/**
 * The questions in this process's memory: at most `maxQuestions` (the oldest go first), each until its
 * answer expires.
 */
export class MemoryQuestions implements QuestionStore {
  readonly #maxQuestions: number;
  readonly #partitions = new Map<string, HeldQuestion[]>();
  /** Every question by its answer's key, oldest first (a `Map` keeps insertion order). */
  readonly #byKey = new Map<string, HeldQuestion>();

  constructor(maxQuestions: number) {
    this.#maxQuestions = maxQuestions;
  }

  /** Questions remembered now. */
  get size(): number {
    return this.#byKey.size;
  }

  questions(partition: string, now: number): Promise<readonly StoredQuestion[]> {
    return Promise.resolve((this.#partitions.get(partition) ?? []).filter((question) => question.expiresAt > now));
  }

  add(partition: string, question: StoredQuestion, now: number): void {
    this.#forget(question.key);
    const held: HeldQuestion = { ...question, partition };
    this.#byKey.set(question.key, held);
    const questions = this.#partitions.get(partition);
    if (questions === undefined) this.#partitions.set(partition, [held]);
    else questions.push(held);
    while (this.#byKey.size > this.#maxQuestions) this.#forget(this.#byKey.keys().next().value!);
    for (const expired of (this.#partitions.get(partition) ?? []).filter((candidate) => candidate.expiresAt <= now)) this.#forget(expired.key);
  }

  #forget(key: string): void {
    const held = this.#byKey.get(key);
    if (held === undefined) return;
    this.#byKey.delete(key);
    const questions = this.#partitions.get(held.partition)!;
    questions.splice(questions.indexOf(held), 1);
    if (questions.length === 0) this.#partitions.delete(held.partition);
  }
}
