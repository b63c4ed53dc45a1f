import { OpenAICompatibleProvider } from '@tollgate/provider-utils';
import { toOpenRouterProviderError } from './openrouter-error.js';
import type { OpenRouterProviderOptions } from './openrouter-provider-options.js';

/**
 * A provider for OpenRouter (OpenAI's wire, with extensions). The instance's request extensions —
 * provider routing preferences such as `data_collection: deny`, a `models` fallback list —
 * are set on every request over the client's (a target's params win over both), so self-hosted rules
 * hold. OpenRouter's `usage.cost` becomes the request's recorded cost and its `model` the model
 * actually used. Keep-alive comments never reach a client, an error inside a 200 answer is an error,
 * and a mid-stream error chunk ends the client's stream with an error event.
 */
export class OpenRouterProvider extends OpenAICompatibleProvider {
  /** The catalog's model ids, when the plugin loaded a catalog. */
  readonly knownModels: readonly string[] | undefined;

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
      priceProvider: 'openrouter',
      extraBody: Object.keys(options.extensions).length > 0 ? options.extensions : undefined,
      dropComments: true,
      errorsInsideAnswers: true,
      embeddings: false,
      // It serves the legacy completions API too (`/api/v1/completions`), for every model it routes.
      completionsAPI: true,
      toError: toOpenRouterProviderError,
    });
    this.knownModels = knownModels;
  }
}
