import {
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
import { HttpUpstream, decodeOpenAICompatibleSse, parseUpstreamJson, tapOpenAICompatibleSse, toOpenAICompatibleError, type UpstreamBody } from '@tollgate/provider-utils';
import type { AzureOpenAIProviderOptions } from './azure-openai-provider-options.js';

const chatResponseSchema = z.looseObject({ choices: z.array(z.looseObject({ message: z.looseObject({}) })) });
const embeddingResponseSchema = z.looseObject({ data: z.array(z.unknown()), usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }) });

/**
 * A provider for Azure OpenAI. A target's model is the deployment name
 * (`azure/my-gpt4o-deployment`): requests go to `/openai/deployments/<deployment>/…?api-version=…`
 * (or the version-less `/openai/v1/…` API with `apiVersion: v1`), authenticated with `api-key` or an
 * Entra ID bearer token. The wire is OpenAI's; Azure's leading `prompt_filter_results` chunk (empty
 * `choices`) is not passed to clients, and a `content_filter` refusal triggers a group's
 * content-policy fallback.
 */
export class AzureOpenAIProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'openai';
  readonly name: string;
  readonly priceProvider: string;
  readonly #options: AzureOpenAIProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];

  constructor(name: string, options: AzureOpenAIProviderOptions) {
    this.name = name;
    this.#options = options;
    this.priceProvider = options.priceProvider;
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.endpoint, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = {
      'content-type': 'application/json',
      ...(options.apiKey !== undefined ? { 'api-key': options.apiKey } : { authorization: `Bearer ${options.entraToken}` }),
      ...options.headers,
    };
    this.#secrets = [options.apiKey, options.entraToken].filter((secret): secret is string => secret !== undefined);
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post('chat/completions', this.#chatBody(request, options, false), options, false);
    const bytes = Buffer.from(await body.arrayBuffer());
    const response = parseUpstreamJson(bytes, chatResponseSchema, { provider: this.name, expected: 'a chat.completion' }) as ChatCompletionResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post('chat/completions', this.#chatBody(request, options, true), options, true);
    const toStreamError = (data: string) => toOpenAICompatibleError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#secrets });
    if (!options.passthrough) return { type: 'chunks', chunks: decodeOpenAICompatibleSse(body, { provider: this.name, toStreamError }) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const dropUsageEvent = request.stream_options?.include_usage !== true;
    return { type: 'bytes', body: tapOpenAICompatibleSse(body, { summary, dropUsageEvent, dropEmptyChoices: true, provider: this.name, toStreamError }), summary };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    const payload = options.rawBody !== undefined && request.model === options.model ? options.rawBody : JSON.stringify({ ...request, model: options.model });
    const body = await this.#post('embeddings', payload, options, false);
    const bytes = Buffer.from(await body.arrayBuffer());
    const response = parseUpstreamJson(bytes, embeddingResponseSchema, { provider: this.name, expected: 'an embeddings list' }) as EmbeddingResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  #chatBody(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    const addUsage = stream && request.stream_options?.include_usage !== true;
    if (options.rawBody !== undefined && request.model === options.model && !addUsage) return options.rawBody;
    return JSON.stringify({ ...request, model: options.model, ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}) });
  }

  /** The path of an operation on a deployment (the target's model). */
  #path(operation: string, deployment: string): string {
    if (this.#options.apiVersion === 'v1') return `/openai/v1/${operation}`;
    return `/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(this.#options.apiVersion)}`;
  }

  #post(operation: string, body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#upstream.post({
      path: this.#path(operation, options.model),
      headers: stream ? { ...this.#headers, accept: 'text/event-stream' } : this.#headers,
      body,
      options,
      toError: (status, headers, bodyText) => toOpenAICompatibleError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }
}
