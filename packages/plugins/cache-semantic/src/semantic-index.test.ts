import { describe, expect, it } from 'vitest';
import { silentLogger, type GatewayContext } from '@tollgate/core';
import { responseCacheOptionsSchema } from '@tollgate/response-cache';
import { bagOfWordsEmbedding } from '@tollgate/testkit';
import type { EmbeddingClient } from './embedding-client.js';
import { MemoryQuestions } from './memory-questions.js';
import { SemanticIndex } from './semantic-index.js';

/** An embedding client that counts words, as the mock server does. */
const words = { embed: async (text: string) => ({ vector: Float32Array.from(bagOfWordsEmbedding(text, 64)), promptTokens: undefined }) } as unknown as EmbeddingClient;

/** The little of a context the index reads: a chat request of one question, a key, a variable store. */
function contextOf(question: string): GatewayContext {
  const variables = new Map<string, unknown>();
  return {
    operation: 'chat',
    requestId: 'req',
    request: { model: 'smart', messages: [{ role: 'user', content: question }] },
    principal: { keyId: 'key_a', keyName: 'a', isMaster: false },
    targets: [{ id: 'openai/gpt-4o-mini' }],
    ingress: 'openai',
    get: (name: string) => variables.get(name),
    set: (name: string, value: unknown) => variables.set(name, value),
  } as unknown as GatewayContext;
}

async function ask(index: SemanticIndex, question: string, key: string, ttlMs = 60_000): Promise<void> {
  const context = contextOf(question);
  await index.find(context);
  index.remember(context, key, ttlMs);
}

describe('SemanticIndex in memory', () => {
  it('forgets the oldest questions past maxQuestions, and a question once its answer has expired', async () => {
    let now = 1_000;
    const questions = new MemoryQuestions(2);
    const index = new SemanticIndex(words, { minSimilarity: 0.95, questions, cache: responseCacheOptionsSchema.parse({}), now: () => now }, silentLogger);
    await ask(index, 'alpha beta', 'key-1');
    await ask(index, 'gamma delta', 'key-2', 500);
    expect((await index.find(contextOf('Alpha, beta!')))?.key).toBe('key-1');
    await ask(index, 'epsilon zeta', 'key-3');
    expect(questions.size).toBe(2);
    expect(await index.find(contextOf('alpha beta'))).toBeUndefined();
    expect((await index.find(contextOf('gamma delta')))?.key).toBe('key-2');
    now += 501;
    expect(await index.find(contextOf('gamma delta'))).toBeUndefined();
    expect((await index.find(contextOf('epsilon zeta')))?.similarity).toBeCloseTo(1, 6);
  });

  it('answers the closest of several questions over the line, and none below it', async () => {
    const index = new SemanticIndex(words, { minSimilarity: 0.8, questions: new MemoryQuestions(10), cache: responseCacheOptionsSchema.parse({}) }, silentLogger);
    await ask(index, 'one two three four five six', 'six-words');
    await ask(index, 'one two three four five', 'five-words');
    // Five shared words of five: the second; of the first, cos = 5/√30 ≈ 0.91.
    expect((await index.find(contextOf('one two three four five')))?.key).toBe('five-words');
    expect(await index.find(contextOf('seven eight nine'))).toBeUndefined();
  });
});
