import { z } from '@tollgate/core';
import { responseCacheOptionsSchema } from '@tollgate/response-cache';

/** Options of the semantic cache plugin: the embeddings server, how alike a question must be, its size bounds, and the response cache's options. */
export const cacheSemanticOptionsSchema = responseCacheOptionsSchema.extend({
  /** An OpenAI-compatible `POST /embeddings` (OpenAI, a vLLM, TEI, Infinity or Ollama server) that embeds each question. */
  embeddings: z.strictObject({
    /** Base URL, as a provider's: `https://api.openai.com/v1`, `http://10.0.0.7:8080/v1`. */
    baseURL: z.url(),
    /** Sent as `authorization: Bearer …` when set. */
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1),
    /** Asked of models that can shorten their vectors (OpenAI's `text-embedding-3-*`). */
    dimensions: z.number().int().positive().optional(),
    /** The id price tables know the embeddings server by (`openai` for api.openai.com), to price its calls in the ledger; none for your own server (price it with an override of `cache-semantic/<model>`). */
    priceProvider: z.string().min(1).optional(),
    /** How long a question's embedding may take; past it the request goes on as a miss. */
    timeoutMs: z.number().int().positive().default(2_000),
  }),
  /** Cosine similarity at which a question counts as one already answered (1: the same words, in a model's sense). */
  minSimilarity: z.number().min(0).max(1).default(0.95),
  /**
   * Keep the answers and questions in Redis, shared by every gateway instance, instead of this
   * process's memory (`maxQuestions` and `maxBytes` are then Redis's `maxmemory` policy's to bound).
   */
  redis: z
    .strictObject({
      /** `redis://[:password@]host:6379[/db]`; write `${REDIS_URL}` rather than the password. */
      url: z.string().min(1),
      /** Longest wait for Redis; a slower read is a miss, a slower write is dropped (ms). */
      commandTimeoutMs: z.number().int().positive().default(200),
      /** Questions kept per partition (the same tenant and request less its question), newest answers first; a lookup reads them all. */
      questionsPerPartition: z.number().int().positive().max(10_000).default(200),
    })
    .optional(),
  /** Questions remembered at most (their vectors); the oldest go first. */
  maxQuestions: z.number().int().positive().default(10_000),
  /** Bytes the cached answers may take at most (keys and values as stored); least recently used go first. */
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
});

/** Options of the semantic cache plugin, with defaults applied. */
export type CacheSemanticOptions = z.output<typeof cacheSemanticOptionsSchema>;
