import type { Usage } from '@tollgate/core';
import { OpenAICompatibleProvider } from '@tollgate/provider-utils';
import { toOpenRouterProviderError } from './openrouter-error.js';
import type { OpenRouterProviderOptions } from './openrouter-provider-options.js';

/**
 * A provider for OpenRouter (OpenAI's wire, with extensions). The instance's request extensions —
 * provider routing preferences such as `data_collection: deny`, a `models` fallback list —
 * are set on every request over the client's (a target's params win over both), so self-hosted rules
 * hold. OpenRouter's `usage.cost` becomes the request's recorded cost and its `model` the model
 * actually used. Keep-alive comments never reach a client, an error inside a 200 answer is an error,
 * and a mid-stream error chunk ends the client's stream with an error event. A stream that ended
 * without usage (the client went away) is still billed: its cost is asked of OpenRouter's generation
 * records (`billedUsage`).
 */
export class OpenRouterProvider extends OpenAICompatibleProvider {
  /** The catalog's model ids, when the plugin loaded a catalog. */
  readonly knownModels: readonly string[] | undefined;
  readonly #generationURL: string;
  readonly #authorization: string;

  constructor(name: string, options: OpenRouterProviderOptions, knownModels?: readonly string[]) {
    super({
      name,
      baseURL: options.baseURL,
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.apiKey}`,
        ...(options.referer === undefined ? {} : { 'http-referer': options.referer }),
        ...(options.title === undefined ? {} : { 'x-title': options.title }),
        ...options.headers,
      },
      secrets: [options.apiKey],
      // OpenRouter's own field: Claude's (and others') reasoning, taken back in assistant messages.
      takesReasoningDetails: true,
      // Prompt caching marks, which OpenRouter passes to Claude (a Claude Code turn keeps its cache).
      takesCacheControl: true,
      // OpenRouter's own `reasoning` object, which it translates for every model it routes.
      takesReasoningObject: true,
      priceProvider: 'openrouter',
      extraBody: Object.keys(options.extensions).length > 0 ? options.extensions : undefined,
      dropComments: true,
      errorsInsideAnswers: true,
      embeddings: false,
      // It serves the legacy completions API too (`/api/v1/completions`), for every model it routes.
      completionsAPI: true,
      // Image models draw in chat answers (`modalities`), which `/v1/images/generations` and `/edits` ask for.
      imagesThroughChat: true,
      toError: toOpenRouterProviderError,
    });
    this.knownModels = knownModels;
    this.#generationURL = `${options.baseURL.replace(/\/+$/, '')}/generation`;
    this.#authorization = `Bearer ${options.apiKey}`;
  }

  /**
   * What OpenRouter billed for an answer, from its generation record (`GET /generation?id=`): the
   * native token counts and `total_cost`; undefined while it has none (404: it takes a few seconds).
   * Asked rarely (a stream that ended without usage), so through `fetch`, not the request pools.
   */
  async billedUsage(responseId: string): Promise<Usage | undefined> {
    const response = await fetch(`${this.#generationURL}?id=${encodeURIComponent(responseId)}`, { headers: { authorization: this.#authorization, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`OpenRouter answered ${response.status} for generation "${responseId}".`);
    }
    const { data } = (await response.json()) as { data?: Record<string, unknown> };
    const count = (native: unknown, plain: unknown) => (typeof native === 'number' ? native : typeof plain === 'number' ? plain : 0);
    const prompt = count(data?.native_tokens_prompt, data?.tokens_prompt);
    const completion = count(data?.native_tokens_completion, data?.tokens_completion);
    const cost = data?.total_cost;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...(typeof cost === 'number' ? { cost } : {}) };
  }
}
