import { HttpUpstream, decodeOpenAICompatibleSse, parseUpstreamJson, tapOpenAICompatibleSse, toOpenAICompatibleError, type UpstreamBody } from '@tollgate/provider-utils';
import {
  GatewayError,
  z,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderEmbedResult,
  type ProviderStream,
  type StreamSummary,
} from '@tollgate/core';
import type { OpenAIProviderOptions } from './openai-provider-options.js';

const chatResponseSchema = z.looseObject({ choices: z.array(z.looseObject({ message: z.looseObject({}) })), model: z.string().optional() });
const embeddingResponseSchema = z.looseObject({ data: z.array(z.unknown()), usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }) });

/**
 * A provider for OpenAI and OpenAI-compatible servers. One undici keep-alive pool per instance (one
 * origin); the client's body goes upstream unchanged when it can (same model name, usage already
 * requested); streams pass through as bytes with usage tapped, or are decoded when hooks need chunks.
 */
export class OpenAIProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'openai';
  readonly name: string;
  readonly priceProvider: string | undefined;
  readonly #options: OpenAIProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];

  constructor(name: string, options: OpenAIProviderOptions) {
    this.name = name;
    this.#options = options;
    this.priceProvider = options.priceProvider ?? (new URL(options.baseURL).hostname === 'api.openai.com' ? 'openai' : undefined);
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.baseURL, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = {
      'content-type': 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
      ...(options.organization === undefined ? {} : { 'openai-organization': options.organization }),
      ...(options.project === undefined ? {} : { 'openai-project': options.project }),
      ...options.headers,
    };
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post('/chat/completions', this.#chatBody(request, options, false), options, false);
    const bytes = Buffer.from(await body.arrayBuffer());
    const response = parseUpstreamJson(bytes, chatResponseSchema, { provider: this.name, expected: 'a chat.completion' }) as ChatCompletionResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const askedForUsage = request.stream_options?.include_usage === true;
    const body = await this.#post('/chat/completions', this.#chatBody(request, options, true), options, true);
    const common = { provider: this.name, toStreamError: (data: string) => toOpenAICompatibleError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#secrets }) };
    if (!options.passthrough) return { type: 'chunks', chunks: decodeOpenAICompatibleSse(body, common) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const dropUsageEvent = !askedForUsage && this.#options.requestUsageInStream;
    return { type: 'bytes', body: tapOpenAICompatibleSse(body, { ...common, summary, dropUsageEvent }), summary };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    const body = options.rawBody !== undefined && request.model === options.model ? options.rawBody : JSON.stringify({ ...request, model: options.model });
    const answer = await this.#post('/embeddings', body, options, false);
    const bytes = Buffer.from(await answer.arrayBuffer());
    const response = parseUpstreamJson(bytes, embeddingResponseSchema, { provider: this.name, expected: 'an embeddings list' }) as EmbeddingResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  /** The upstream body: the client's bytes when nothing needs to change, else the request re-encoded. */
  #chatBody(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    const addUsage = stream && this.#options.requestUsageInStream && request.stream_options?.include_usage !== true;
    if (options.rawBody !== undefined && request.model === options.model && !addUsage) return options.rawBody;
    return JSON.stringify({
      ...request,
      model: options.model,
      ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
    });
  }

  #post(path: string, body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#upstream.post({
      path,
      headers: stream ? { ...this.#headers, accept: 'text/event-stream' } : this.#headers,
      body,
      options,
      toError: (status, headers, bodyText) => toOpenAICompatibleError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }

}

/** The response body, whose read errors (idle timeout, reset, abort) become gateway errors. */
