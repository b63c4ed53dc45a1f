import { definePlugin, type Cache } from '@tollgate/core';
import { MemoryCache } from '@tollgate/cache-memory';
import { RedisCache, RedisConnection } from '@tollgate/cache-redis';
import { useResponseCache } from '@tollgate/response-cache';
import { cacheSemanticOptionsSchema } from './cache-semantic-options.js';
import { EmbeddingClient } from './embedding-client.js';
import { MemoryQuestions } from './memory-questions.js';
import type { QuestionStore } from './question-store.js';
import { RedisQuestions } from './redis-questions.js';
import { SemanticIndex } from './semantic-index.js';

/**
 * Caches answers in this process's memory (or, with `redis`, in Redis for every instance) and serves
 * a question like one already answered (its embedding at least `minSimilarity` alike, the rest of the
 * request the same) as well as exact repeats; provides the `Cache` service. Use it in place of `@tollgate/cache-memory`, not beside it.
 *
 * @example
 * plugins:
 *   - name: "@tollgate/cache-semantic"
 *     options: { embeddings: { baseURL: "http://10.0.0.7:8080/v1", model: "BAAI/bge-small-en-v1.5" }, minSimilarity: 0.95 }
 */
export const cacheSemanticPlugin = definePlugin({
  name: '@tollgate/cache-semantic',
  options: cacheSemanticOptionsSchema,
  async setup(api, options) {
    const embeddings = new EmbeddingClient(options.embeddings);
    let cache: Cache & { close?: () => Promise<void> };
    let questions: QuestionStore;
    if (options.redis === undefined) {
      cache = new MemoryCache(options.maxBytes);
      questions = new MemoryQuestions(options.maxQuestions);
    } else {
      const connection = await RedisConnection.open(options.redis.url, options.redis.commandTimeoutMs, api.logger, '@tollgate/cache-semantic');
      cache = new RedisCache(connection);
      questions = new RedisQuestions(connection, { questionsPerPartition: options.redis.questionsPerPartition, maxTtlMs: options.maxTtlMs });
    }
    const index = new SemanticIndex(embeddings, { minSimilarity: options.minSimilarity, questions, cache: options }, api.logger);
    useResponseCache(api, cache, options, index);
    return { close: async () => void (await Promise.all([embeddings.close(), cache.close?.()])) };
  },
});
