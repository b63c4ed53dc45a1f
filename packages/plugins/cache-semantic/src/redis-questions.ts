import type { RedisConnection } from '@tollgate/cache-redis';
import type { QuestionStore, StoredQuestion } from './question-store.js';

/** The warning a failed command logs. */
const failureMessage = 'semantic cache (Redis) failed; serving without it';

/** Options of {@link RedisQuestions}. */
export interface RedisQuestionsOptions {
  /** Questions a partition keeps at most (those whose answers expire last); each lookup reads them all. */
  readonly questionsPerPartition: number;
  /** The longest an answer may live: a partition's set outlives its last write by this much. */
  readonly maxTtlMs: number;
}

/**
 * The questions in Redis, shared by every gateway instance: one sorted set per partition (key
 * `<partition>:questions`), each member an answer's key and its vector, scored by when the answer
 * expires. A lookup is one `ZRANGE … BYSCORE` of the partition's live questions; a write one
 * `MULTI` that adds the question, drops the expired and the surplus, and extends the set's TTL —
 * single-key commands, so a partition lands on one Redis Cluster slot. A failing or slow Redis is a
 * miss and a dropped write, never a failed request.
 */
export class RedisQuestions implements QuestionStore {
  readonly #connection: RedisConnection;
  readonly #options: RedisQuestionsOptions;

  constructor(connection: RedisConnection, options: RedisQuestionsOptions) {
    this.#connection = connection;
    this.#options = options;
  }

  async questions(partition: string, now: number): Promise<readonly StoredQuestion[]> {
    try {
      const members = await this.#connection.run(this.#connection.client.zRangeWithScores(setKey(partition), `(${now}`, '+inf', { BY: 'SCORE' }));
      return members.map(({ value, score }) => decode(String(value), score));
    } catch (error) {
      this.#connection.report(error, failureMessage);
      return [];
    }
  }

  add(partition: string, question: StoredQuestion, now: number): void {
    const key = setKey(partition);
    const write = this.#connection.client
      .multi()
      .zAdd(key, { score: question.expiresAt, value: encode(question) })
      .zRemRangeByScore(key, '-inf', now)
      .zRemRangeByRank(key, 0, -this.#options.questionsPerPartition - 1)
      .pExpire(key, this.#options.maxTtlMs)
      .exec();
    this.#connection.run(write).catch((error: unknown) => this.#connection.report(error, failureMessage));
  }
}

function setKey(partition: string): string {
  return `${partition}:questions`;
}

/** A member: the answer's key, a tab, the vector's float32 bytes in base64 (neither holds a tab). */
function encode(question: StoredQuestion): string {
  const { vector } = question;
  return `${question.key}\t${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')}`;
}

function decode(member: string, expiresAt: number): StoredQuestion {
  const tab = member.lastIndexOf('\t');
  const bytes = Buffer.from(member.slice(tab + 1), 'base64');
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return { key: member.slice(0, tab), vector, expiresAt };
}
