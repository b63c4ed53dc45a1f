import { DroppedFieldLog, HttpUpstream, convertAnthropicStream, convertFromAnthropicResponse, parseUpstreamJson, type AnthropicResponse, type UpstreamBody } from '@tollgate/provider-utils';
import {
  setJsonFields,
  z,
  type ChatCompletionRequest,
  type Logger,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderStream,
  type StreamSummary,
} from '@tollgate/core';
import { toAnthropicProviderError } from './anthropic-error.js';
import type { AnthropicProviderOptions } from './anthropic-provider-options.js';
import { convertToAnthropicRequest, untranslatedOpenAIFields } from './convert-to-anthropic-request.js';
import { tapAnthropicSse } from './tap-anthropic-sse.js';

const countSchema = z.looseObject({ input_tokens: z.number() });
const messageSchema = z.looseObject({ id: z.string(), type: z.literal('message'), content: z.array(z.looseObject({ type: z.string() })), usage: z.looseObject({}) });

/**
 * A provider for Anthropic's Messages API. OpenAI-format requests are translated exactly (see
 * `convertToAnthropicRequest`); requests from an Anthropic client (the `/v1/messages` ingress) pass
 * through as bytes — only the model name is rewritten when routing changed it — and their answers and
 * streams come back as the upstream's bytes with usage tapped.
 */
export class AnthropicProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'anthropic';
  readonly name: string;
  readonly priceProvider: string;
  readonly #options: AnthropicProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #droppedFields: DroppedFieldLog;

  constructor(name: string, options: AnthropicProviderOptions, logger: Logger) {
    this.name = name;
    this.#options = options;
    this.priceProvider = options.priceProvider;
    this.#droppedFields = new DroppedFieldLog(untranslatedOpenAIFields, logger, 'Anthropic');
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.baseURL, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = { 'content-type': 'application/json', 'x-api-key': options.apiKey, 'anthropic-version': options.version, ...options.headers };
    this.#secrets = [options.apiKey];
  }

  /** The upstream's origin (for traces). */
  get origin(): string {
    return this.#upstream.origin;
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post(this.#body(request, options, false), options, false);
    const bytes = await body.bytes();
    const parsed = parseUpstreamJson(bytes, messageSchema, { provider: this.name, expected: 'a Messages API message' });
    const response = convertFromAnthropicResponse(parsed as AnthropicResponse);
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post(this.#body(request, options, true), options, true);
    const common = { provider: this.name, secrets: this.#secrets };
    if (!options.passthrough) return { type: 'chunks', chunks: convertAnthropicStream(body, common) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    return { type: 'bytes', body: tapAnthropicSse(body, { ...common, summary }), summary };
  }

  async doCountTokens(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    // count_tokens takes a Messages request without max_tokens and stream.
    const encoded = this.#body(request, options, false);
    const text = typeof encoded === 'string' ? encoded : Buffer.from(encoded).toString('utf8');
    const { max_tokens: _maxTokens, stream: _stream, ...body } = JSON.parse(text) as Record<string, unknown>;
    const answer = await this.#upstream.post({
      path: '/v1/messages/count_tokens',
      headers: this.#requestHeaders(options, false),
      body: JSON.stringify(body),
      options,
      toError: (status, headers, bodyText) => toAnthropicProviderError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
    const parsed = parseUpstreamJson(await answer.bytes(), countSchema, { provider: this.name, expected: 'a token count' }) as { input_tokens: number };
    return { inputTokens: parsed.input_tokens };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  /** The upstream body: an Anthropic client's bytes (model rewritten if needed), or the translation. */
  #body(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    if (options.rawBody !== undefined) {
      // The ingress takes JSON objects only, so the bytes are one.
      return request.model === options.model ? options.rawBody : setJsonFields(options.rawBody, { model: options.model })!;
    }
    this.#droppedFields.check(request);
    const translated = convertToAnthropicRequest(request, { model: options.model, defaultMaxTokens: this.#options.defaultMaxTokens });
    if (stream) translated.stream = true;
    return JSON.stringify(translated);
  }

  #requestHeaders(options: ProviderCallOptions, stream: boolean): Record<string, string> {
    const betas = [...this.#options.betas];
    const clientBetas = options.clientHeaders['anthropic-beta'];
    if (this.#options.forwardClientBetas && typeof clientBetas === 'string') betas.push(...clientBetas.split(',').map((beta) => beta.trim()).filter(Boolean));
    const headers = betas.length > 0 ? { ...this.#headers, 'anthropic-beta': [...new Set(betas)].join(',') } : this.#headers;
    return stream ? { ...headers, accept: 'text/event-stream' } : headers;
  }

  #post(body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#upstream.post({
      path: '/v1/messages',
      headers: this.#requestHeaders(options, stream),
      body,
      options,
      toError: (status, headers, bodyText) => toAnthropicProviderError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }
}
