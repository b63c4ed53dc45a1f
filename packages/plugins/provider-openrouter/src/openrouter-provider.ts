import {
  z,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderStream,
  type StreamSummary,
} from '@tollgate/core';
import { HttpUpstream, decodeOpenAICompatibleSse, parseUpstreamJson, tapOpenAICompatibleSse, type UpstreamBody } from '@tollgate/provider-utils';
import { toOpenRouterProviderError } from './openrouter-error.js';
import type { OpenRouterProviderOptions } from './openrouter-provider-options.js';

const chatResponseSchema = z.looseObject({ choices: z.array(z.looseObject({ message: z.looseObject({}) })), model: z.string().optional() });

/** The top-level `error` of a JSON body, if it is JSON and has one. */
function errorFieldOf(bytes: Buffer): unknown {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { error?: unknown }).error;
  } catch {
    return undefined; // not JSON: parseUpstreamJson names the problem
  }
}

/**
 * A provider for OpenRouter (OpenAI's wire, with extensions). The instance's request extensions —
 * provider routing preferences such as `data_collection: deny`, a `models` fallback list —
 * are set on every request over the client's (a target's params win over both), so self-hosted rules
 * hold. OpenRouter's `usage.cost` becomes the request's recorded cost and its `model` the model
 * actually used. Keep-alive comments never reach a client, and a mid-stream error chunk ends the
 * client's stream with an error event.
 */
export class OpenRouterProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'openai';
  readonly priceProvider = 'openrouter';
  readonly name: string;
  readonly #options: OpenRouterProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #hasExtensions: boolean;

  constructor(name: string, options: OpenRouterProviderOptions) {
    this.name = name;
    this.#options = options;
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.baseURL, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${options.apiKey}`,
      ...(options.referer === undefined ? {} : { 'http-referer': options.referer }),
      ...(options.title === undefined ? {} : { 'x-title': options.title }),
      ...options.headers,
    };
    this.#secrets = [options.apiKey];
    this.#hasExtensions = Object.keys(options.extensions).length > 0;
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post(this.#body(request, options, false), options, false);
    const bytes = Buffer.from(await body.arrayBuffer());
    // OpenRouter reports errors that happen after it accepted the request inside a 200 answer.
    if (bytes.includes('"error"') && errorFieldOf(bytes) != null) {
      throw toOpenRouterProviderError({ provider: this.name, status: 502, headers: {}, bodyText: bytes.toString('utf8'), secrets: this.#secrets });
    }
    const parsed = parseUpstreamJson(bytes, chatResponseSchema, { provider: this.name, expected: 'a chat.completion' });
    const response = parsed as ChatCompletionResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post(this.#body(request, options, true), options, true);
    const toStreamError = (data: string) => toOpenRouterProviderError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#secrets });
    if (!options.passthrough) return { type: 'chunks', chunks: decodeOpenAICompatibleSse(body, { provider: this.name, toStreamError }) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const dropUsageEvent = request.stream_options?.include_usage !== true;
    return { type: 'bytes', body: tapOpenAICompatibleSse(body, { summary, dropUsageEvent, dropComments: true, provider: this.name, toStreamError }), summary };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  /** The client's bytes when nothing changes; else the request with the instance's extensions (and the target's params) over it. */
  #body(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    const addUsage = stream && request.stream_options?.include_usage !== true;
    if (options.rawBody !== undefined && request.model === options.model && !addUsage && !this.#hasExtensions) return options.rawBody;
    return JSON.stringify({
      ...request,
      ...this.#options.extensions,
      ...options.targetParams,
      model: options.model,
      ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
    });
  }

  #post(body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#upstream.post({
      path: '/chat/completions',
      headers: stream ? { ...this.#headers, accept: 'text/event-stream' } : this.#headers,
      body,
      options,
      toError: (status, headers, bodyText) => toOpenRouterProviderError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }
}
