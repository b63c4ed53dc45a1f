import { OpenAICompatibleProvider } from '@tollgate/provider-utils';
import type { OpenAIProviderOptions } from './openai-provider-options.js';

/**
 * A provider for OpenAI and OpenAI-compatible servers (vLLM, SGLang, Ollama, llama.cpp) by `baseURL`:
 * the body goes upstream unchanged where it can, streams pass through as bytes with usage tapped, and
 * usage is always asked for.
 */
export class OpenAIProvider extends OpenAICompatibleProvider {
  constructor(name: string, options: OpenAIProviderOptions) {
    super({
      name,
      baseURL: options.baseURL,
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
        ...(options.organization === undefined ? {} : { 'openai-organization': options.organization }),
        ...(options.project === undefined ? {} : { 'openai-project': options.project }),
        ...options.headers,
      },
      secrets: options.apiKey === undefined ? [] : [options.apiKey],
      priceProvider: options.priceProvider ?? (new URL(options.baseURL).hostname === 'api.openai.com' ? 'openai' : undefined),
      requestUsageInStream: options.requestUsageInStream,
    });
  }
}
