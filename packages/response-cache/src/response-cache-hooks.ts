import { Cache as CacheService, ChunkAccumulator, type Cache, type ChatCompletionRequest, type GatewayContext, type GatewayResponse, type HookMap, type Logger, type PluginApi } from '@tollgate/core';
import { cacheKey } from './cache-key.js';
import type { ResponseCacheOptions } from './response-cache-options.js';
import type { SimilarAnswers } from './similar-answers.js';

/** A request the cache will store once answered: its key, TTL, and (for a stream) its chunks so far. */
export interface PendingCacheEntry {
  readonly key: string;
  readonly ttlMs: number;
  readonly chunks: ChunkAccumulator | undefined;
}

declare module '@tollgate/core' {
  interface ContextVariableMap {
    responseCache: PendingCacheEntry;
  }
}

/** What `x-tollgate-cache` says of a request. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

function header(context: GatewayContext, name: string): string | undefined {
  const value = context.headers[name];
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/**
 * The response cache's hooks over any `Cache` store:
 *
 * Chat answers, embeddings and rankings are cached alike (the last two are deterministic, so the
 * `deterministic` mode caches them all).
 *
 * - `transform.request` — decides whether the request may be cached (the mode, `cache-control:
 *   no-store` / `no-cache`, `x-tollgate-cache: use`), looks its key up, and answers a hit in place of
 *   the upstream (replayed as SSE to a streaming client; $0 in the ledger); sets `x-tollgate-cache`.
 * - `transform.response` — stores a whole answer of a miss (the response bytes still pass through).
 * - `transform.chunk` — adds up a streamed miss; `log` stores it once the stream ended complete
 *   (never a partial or failed one).
 *
 * An answer a hook marked private (`context.answerPrivate`: a guardrail restored the caller's own
 * values into it) is never stored, and a request with parts the canonical request leaves out
 * (`context.untranslatable`: a server tool) or asking for what only the upstream's answer carries
 * (`context.needsUpstreamAnswer`: Codex's encrypted reasoning, Claude's signed thinking) is bypassed. A bypassed request's answer is left unread
 * (`context.leaveAnswerUnread`, given the plugin's `reader` api), so it passes through as the upstream's bytes.
 *
 * With `similar` (a semantic cache), a request whose exact key misses is answered with a stored answer
 * to a request like it (`x-tollgate-cache: hit`, `x-tollgate-cache-similarity`), and each answer
 * stored is remembered there.
 */
export function createResponseCacheHooks(
  cache: Cache,
  options: ResponseCacheOptions,
  logger: Logger,
  reader?: PluginApi,
  similar?: SimilarAnswers,
): Pick<HookMap, 'transform.request' | 'transform.response' | 'transform.chunk' | 'log'> {
  const store = (context: GatewayContext, entry: PendingCacheEntry, response: GatewayResponse) => {
    cache.set(entry.key, JSON.stringify(response), entry.ttlMs).then(
      () => similar?.remember(context, entry.key, entry.ttlMs),
      (error: unknown) => logger.warn({ err: error }, 'response cache write failed'),
    );
  };
  const read = (key: string) =>
    cache.get(key).catch((error: unknown) => {
      logger.warn({ err: error }, 'response cache read failed; treated as a miss');
      return undefined;
    });

  return {
    async 'transform.request'(context) {
      const control = header(context, 'cache-control') ?? '';
      const asked = header(context, 'x-tollgate-cache') === 'use';
      // Embeddings and rankings are deterministic: the same input gets the same answer. Images never are.
      const deterministic = context.operation === 'chat' ? (context.request as ChatCompletionRequest).temperature === 0 : context.operation !== 'images';
      const eligible = asked || options.mode === 'always' || (options.mode === 'deterministic' && deterministic);
      // A request with parts the canonical request leaves out (a server tool) has no key that describes it.
      // Nor one whose client needs the upstream's own answer (encrypted reasoning, signed thinking): a canonical copy would break its next turn.
      // A transcription's key would be its audio, an image edit's its images, speech is audio: none is kept.
      const uploads = context.operation === 'transcriptions' || context.operation === 'speech' || (context.operation === 'images' && context.request.task === 'edit');
      if (!eligible || uploads || control.includes('no-store') || context.untranslatable !== undefined || context.needsUpstreamAnswer !== undefined) {
        context.setResponseHeader('x-tollgate-cache', 'bypass');
        // Nothing to store: the answer may pass through as the upstream's bytes, as without a cache.
        if (reader !== undefined) context.leaveAnswerUnread(reader);
        return undefined;
      }
      const key = cacheKey(context, options);
      const requestedTtl = Number(header(context, 'x-tollgate-cache-ttl'));
      const ttlMs = Number.isFinite(requestedTtl) && requestedTtl > 0 ? Math.min(requestedTtl * 1_000, options.maxTtlMs) : options.ttlMs;
      if (!control.includes('no-cache')) {
        let cached = await read(key);
        if (cached === undefined && similar !== undefined) {
          const alike = await similar.find(context);
          if (alike !== undefined) cached = await read(alike.key);
          if (cached !== undefined) context.setResponseHeader('x-tollgate-cache-similarity', alike!.similarity.toFixed(4));
        }
        if (cached !== undefined) {
          context.setResponseHeader('x-tollgate-cache', 'hit');
          context.costMicros = 0;
          return JSON.parse(cached) as GatewayResponse;
        }
      }
      context.setResponseHeader('x-tollgate-cache', 'miss');
      context.set('responseCache', { key, ttlMs, chunks: context.stream ? new ChunkAccumulator() : undefined });
      return undefined;
    },

    'transform.response'(context, response) {
      const entry = context.get('responseCache');
      if (entry !== undefined && !context.answerPrivate) store(context, entry, response);
      return undefined;
    },

    'transform.chunk'(context, chunk) {
      context.get('responseCache')?.chunks?.add(chunk);
      return undefined;
    },

    log(context) {
      const entry = context.get('responseCache');
      if (entry?.chunks === undefined || context.status !== 200 || context.error !== undefined || !entry.chunks.finished || context.answerPrivate) return;
      store(context, entry, entry.chunks.toResponse());
    },
  };
}

/**
 * What a cache plugin's `setup` does with its store: provides it as the `Cache` service and adds the
 * response cache's hooks (with a semantic cache's `similar` answers, if given).
 *
 * @example
 * setup(api, options) { useResponseCache(api, new MyCache(options), options); }
 */
export function useResponseCache(api: PluginApi, cache: Cache, options: ResponseCacheOptions, similar?: SimilarAnswers): void {
  api.provide(CacheService, cache);
  const hooks = createResponseCacheHooks(cache, options, api.logger, api, similar);
  api.addHook('transform.request', hooks['transform.request']);
  api.addHook('transform.response', hooks['transform.response']);
  api.addHook('transform.chunk', hooks['transform.chunk']);
  api.addHook('log', hooks.log);
}
