import { anthropicToolCallIds, fitMessagesToolIds, toolCallIdsFit, thinkingRefusedForToolStep, DroppedFieldLog, HttpUpstream, VertexEndpoint, vertexPlatform, convertAnthropicStream, vertexBaseURL, convertFromAnthropicResponse, parseUpstreamJson, type AnthropicResponse, type UpstreamBody } from '@tollgate/provider-utils';
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
/** The `anthropic_version` Claude on Vertex AI takes in the body. */
const vertexAnthropicVersion = 'vertex-2023-10-16';
const messageSchema = z.looseObject({ id: z.string(), type: z.literal('message'), content: z.array(z.looseObject({ type: z.string() })), usage: z.looseObject({}) });

/**
 * A provider for Anthropic's Messages API. OpenAI-format requests are translated exactly (see
 * `convertToAnthropicRequest`); requests from an Anthropic client (the `/v1/messages` ingress) pass
 * through as bytes — only the model name is rewritten when routing changed it — and their answers and
 * streams come back as the upstream's bytes with usage tapped. With `vertex`, Claude on Vertex AI:
 * the same body without `model` (the path names it) and with `anthropic_version: vertex-2023-10-16`,
 * to `…/publishers/anthropic/models/{model}:rawPredict` (`:streamRawPredict` when streamed) with a
 * Google access token; the answers are Claude's own.
 */
export class AnthropicProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'anthropic';
  readonly name: string;
  readonly priceProvider: string;
  /** `gcp.vertex_ai` on Vertex AI. */
  readonly platform: string | undefined;
  readonly #options: AnthropicProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #droppedFields: DroppedFieldLog;
  readonly #vertex: VertexEndpoint | undefined;

  constructor(name: string, options: AnthropicProviderOptions, logger: Logger) {
    this.name = name;
    this.#options = options;
    this.#vertex = options.vertex === undefined ? undefined : new VertexEndpoint(name, options.vertex, logger);
    this.platform = this.#vertex === undefined ? undefined : vertexPlatform;
    this.priceProvider = options.priceProvider ?? (this.#vertex === undefined ? 'anthropic' : 'google');
    this.#droppedFields = new DroppedFieldLog(untranslatedOpenAIFields, logger, 'Anthropic');
    const baseURL = options.baseURL ?? (this.#vertex === undefined ? 'https://api.anthropic.com' : vertexBaseURL(this.#vertex.location));
    this.#upstream = new HttpUpstream({ provider: name, baseURL, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = { 'content-type': 'application/json', ...(options.apiKey === undefined ? {} : { 'x-api-key': options.apiKey }), 'anthropic-version': options.version, ...options.headers };
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
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
    if (!options.passthrough) {
      const said: StreamSummary = { usage: undefined, model: undefined };
      return { type: 'chunks', chunks: convertAnthropicStream(body, { ...common, summary: said }), summary: said };
    }
    const summary: StreamSummary = { usage: undefined, model: undefined };
    return { type: 'bytes', body: tapAnthropicSse(body, { ...common, summary }), summary };
  }

  async doCountTokens(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    // count_tokens takes a Messages request without max_tokens and stream.
    const encoded = this.#body(request, options, false);
    const text = typeof encoded === 'string' ? encoded : Buffer.from(encoded).toString('utf8');
    const { max_tokens: _maxTokens, stream: _stream, anthropic_version: _version, ...body } = JSON.parse(text) as Record<string, unknown>;
    const vertex = this.#vertex;
    // Vertex AI counts at one path for every Claude model, which the body names.
    const onVertex = vertex === undefined ? undefined : { path: `${vertex.modelPath('anthropic', 'count-tokens')}:rawPredict`, body: { ...body, model: options.model, anthropic_version: vertexAnthropicVersion } };
    const answer = await this.#send(onVertex?.path ?? '/v1/messages/count_tokens', this.#requestHeaders(options, false), JSON.stringify(onVertex?.body ?? body), options);
    const parsed = parseUpstreamJson(await answer.bytes(), countSchema, { provider: this.name, expected: 'a token count' }) as { input_tokens: number };
    return { inputTokens: parsed.input_tokens };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  /**
   * The upstream body: an Anthropic client's bytes (model rewritten if needed; thinking turned off for a
   * step of a tool loop another model made; another model's tool call ids fitted to Claude's pattern,
   * re-encoded then), or the translation;
   * on Vertex AI either one without `model` and with `anthropic_version`.
   */
  #body(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    if (options.rawBody !== undefined) {
      // A step of a tool loop another model made goes with thinking off: Claude would refuse it with thinking on.
      const thinkingOff = thinkingRefusedForToolStep(request) ? { thinking: { type: 'disabled' } } : undefined;
      // Another model's tool call ids that Claude's pattern refuses (Gemini's signed ones, Kimi's): the body re-encoded with them fitted.
      const idsFit = toolCallIdsFit(request.messages, anthropicToolCallIds);
      if (this.#vertex !== undefined || !idsFit) {
        // The ingress takes JSON objects only, so the bytes are one.
        const body = { ...(JSON.parse(Buffer.from(options.rawBody).toString('utf8')) as Record<string, unknown>), model: options.model, ...thinkingOff };
        if (!idsFit) fitMessagesToolIds(body, anthropicToolCallIds);
        return JSON.stringify(this.#vertex === undefined ? body : toVertexBody(body));
      }
      return request.model === options.model && thinkingOff === undefined ? options.rawBody : setJsonFields(options.rawBody, { model: options.model, ...thinkingOff })!;
    }
    this.#droppedFields.check(request);
    const translated = convertToAnthropicRequest(request, { model: options.model, defaultMaxTokens: this.#options.defaultMaxTokens });
    if (stream) translated.stream = true;
    return JSON.stringify(this.#vertex === undefined ? translated : toVertexBody(translated as unknown as Record<string, unknown>));
  }

  #requestHeaders(options: ProviderCallOptions, stream: boolean): Record<string, string> {
    const betas = [...this.#options.betas];
    const clientBetas = options.clientHeaders['anthropic-beta'];
    if (this.#options.forwardClientBetas && typeof clientBetas === 'string') betas.push(...clientBetas.split(',').map((beta) => beta.trim()).filter(Boolean));
    const headers = betas.length > 0 ? { ...this.#headers, 'anthropic-beta': [...new Set(betas)].join(',') } : this.#headers;
    return stream ? { ...headers, accept: 'text/event-stream' } : headers;
  }

  #post(body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    const vertex = this.#vertex;
    const path = vertex === undefined ? '/v1/messages' : `${vertex.modelPath('anthropic', options.model)}:${stream ? 'streamRawPredict' : 'rawPredict'}`;
    return this.#send(path, this.#requestHeaders(options, stream), body, options);
  }

  /** One upstream call; on Vertex AI with the provider's Google access token. */
  #send(path: string, headers: Record<string, string>, body: Uint8Array | string, options: ProviderCallOptions): Promise<UpstreamBody> {
    const toError = (status: number, responseHeaders: Readonly<Record<string, string | string[] | undefined>>, bodyText: string) => this.#error(status, responseHeaders, bodyText);
    const vertex = this.#vertex;
    if (vertex === undefined) return this.#upstream.post({ path, headers, body, options, toError });
    return vertex.accessToken.get().then((token) => this.#upstream.post({ path, headers: { ...headers, authorization: `Bearer ${token}` }, body, options, toError }));
  }

  #error(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, bodyText: string): Error {
    return toAnthropicProviderError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets, credentialOption: this.#vertex === undefined ? 'apiKey' : 'vertex' });
  }
}

/** A Messages request as Claude on Vertex AI takes it: the model named by the path, the version in the body. */
function toVertexBody(body: Record<string, unknown>): Record<string, unknown> {
  const { model: _model, ...fields } = body;
  return { ...fields, anthropic_version: vertexAnthropicVersion };
}
