import { definePlugin, Ledger, Pricing, type Cache, type GatewayContext } from '@tollgate/core';
import { MemoryCache } from '@tollgate/cache-memory';
import { RedisCache, RedisConnection } from '@tollgate/cache-redis';
import { useResponseCache } from '@tollgate/response-cache';
import { cacheSemanticOptionsSchema } from './cache-semantic-options.js';
import { EmbeddingClient } from './embedding-client.js';
import { embeddingLedgerEntry, embeddingProviderName } from './embedding-ledger-entry.js';
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
    // Each embedding call is a ledger row of its own, priced as `cache-semantic/<model>` (services resolved at the first call, once the gateway is assembled).
    const model = options.embeddings.model;
    let services: { readonly ledger: Ledger | undefined; readonly pricing: Pricing | undefined } | undefined;
    const onEmbedded = (context: GatewayContext, promptTokens: number | undefined, latencyMs: number) => {
      services ??= { ledger: api.resolve(Ledger), pricing: api.resolve(Pricing) };
      const ledger = services.ledger;
      if (ledger === undefined) return;
      const usage = promptTokens === undefined ? undefined : { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens };
      const costMicros = usage === undefined ? undefined : services.pricing?.costMicros({ provider: embeddingProviderName, priceProvider: options.embeddings.priceProvider, model }, usage);
      ledger.record(embeddingLedgerEntry(context, { model, usage, costMicros, latencyMs }));
    };
    const index = new SemanticIndex(embeddings, { minSimilarity: options.minSimilarity, questions, cache: options, onEmbedded }, api.logger);
    useResponseCache(api, cache, options, index);
    return { close: async () => void (await Promise.all([embeddings.close(), cache.close?.()])) };
  },
});
