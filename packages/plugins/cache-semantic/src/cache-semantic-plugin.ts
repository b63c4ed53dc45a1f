import { definePlugin } from '@tollgate/core';
import { MemoryCache } from '@tollgate/cache-memory';
import { useResponseCache } from '@tollgate/response-cache';
import { cacheSemanticOptionsSchema } from './cache-semantic-options.js';
import { EmbeddingClient } from './embedding-client.js';
import { SemanticIndex } from './semantic-index.js';

/**
 * Caches answers in this process's memory and serves a question like one already answered (its
 * embedding at least `minSimilarity` alike, the rest of the request the same) as well as exact
 * repeats; provides the `Cache` service. Use it in place of `@tollgate/cache-memory`, not beside it.
 *
 * @example
 * plugins:
 *   - name: "@tollgate/cache-semantic"
 *     options: { embeddings: { baseURL: "http://10.0.0.7:8080/v1", model: "BAAI/bge-small-en-v1.5" }, minSimilarity: 0.95 }
 */
export const cacheSemanticPlugin = definePlugin({
  name: '@tollgate/cache-semantic',
  options: cacheSemanticOptionsSchema,
  setup(api, options) {
    const embeddings = new EmbeddingClient(options.embeddings);
    const index = new SemanticIndex(embeddings, { minSimilarity: options.minSimilarity, maxQuestions: options.maxQuestions, cache: options }, api.logger);
    useResponseCache(api, new MemoryCache(options.maxBytes), options, index);
    return { close: () => embeddings.close() };
  },
});
