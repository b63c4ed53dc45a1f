import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { RedisConnection } from '@tollgate/cache-redis';
import { RedisQuestions } from './redis-questions.js';

// The real Redis of the machine and CI.
const url = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let connection: RedisConnection;
beforeAll(async () => {
  connection = await RedisConnection.open(url, 1_000, silentLogger);
});
afterAll(async () => {
  await connection?.close();
});

/** Waits for the store's fire-and-forget writes to land (Redis answers a connection's commands in order). */
const settled = () => connection.client.ping();

describe('RedisQuestions (real Redis)', () => {
  it('gives back the vectors as stored, only the live ones, the newest answers kept per partition, the set expiring', async () => {
    const partition = `tollgate-test:resp:team:${randomUUID()}`;
    const questions = new RedisQuestions(connection, { questionsPerPartition: 2, maxTtlMs: 60_000 });
    const vector = Float32Array.from([0.6, -0.8, 1e-7, 0.333333343267]);
    const now = 1_000_000;
    questions.add(partition, { key: 'answer:one', vector, expiresAt: now + 500 }, now);
    questions.add(partition, { key: 'answer:two', vector: Float32Array.from([1, 0, 0, 0]), expiresAt: now + 2_000 }, now);
    await settled();
    const live = await questions.questions(partition, now);
    expect(live.map((question) => question.key)).toEqual(['answer:one', 'answer:two']);
    expect(live[0]!.vector).toEqual(vector);
    expect(live[0]!.expiresAt).toBe(now + 500);
    // Another partition sees none of them.
    expect(await questions.questions(`${partition}x`, now)).toEqual([]);
    // An expired answer's question is not read, and the next write drops it.
    expect((await questions.questions(partition, now + 600)).map((question) => question.key)).toEqual(['answer:two']);
    questions.add(partition, { key: 'answer:three', vector, expiresAt: now + 3_000 }, now + 600);
    await settled();
    expect(await connection.client.zCard(`${partition}:questions`)).toBe(2);
    // Past two per partition, the answer that expires first goes.
    questions.add(partition, { key: 'answer:four', vector, expiresAt: now + 4_000 }, now + 600);
    await settled();
    expect((await questions.questions(partition, now + 600)).map((question) => question.key)).toEqual(['answer:three', 'answer:four']);
    const ttl = await connection.client.pTTL(`${partition}:questions`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await connection.client.del(`${partition}:questions`);
  });

  it('is a miss, not a failure, when Redis has gone away', async () => {
    const closed = await RedisConnection.open(url, 200, silentLogger);
    await closed.close();
    const questions = new RedisQuestions(closed, { questionsPerPartition: 2, maxTtlMs: 60_000 });
    expect(() => questions.add('p', { key: 'k', vector: Float32Array.from([1]), expiresAt: Date.now() + 1_000 }, Date.now())).not.toThrow();
    await expect(questions.questions('p', Date.now())).resolves.toEqual([]);
  });
});
