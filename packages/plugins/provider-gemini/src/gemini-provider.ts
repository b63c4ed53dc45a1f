import { DroppedFieldLog, HttpUpstream, VertexEndpoint, vertexPlatform, mapAtMost, parseUpstreamJson, successfulCalls, vertexBaseURL, type UpstreamBody } from '@tollgate/provider-utils';
import {
  GatewayError,
  z,
  type ChatCompletionRequest,
  type EmbeddingRequest,
  type ImageGenerationRequest,
  type Logger,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderEmbedResult,
  type ProviderImagesResult,
  type ProviderRerankResult,
  type ProviderStream,
  type RerankRequest,
} from '@tollgate/core';
import type { GeminiResponse } from './gemini-content.js';
import { toGeminiProviderError } from './gemini-error.js';
import type { GeminiProviderOptions } from './gemini-provider-options.js';
import { convertFromGeminiResponse } from './convert-from-gemini-response.js';
import { convertGeminiStream } from './convert-gemini-stream.js';
import { convertToGeminiRequest, takesPenalties, untranslatedOpenAIFields } from './convert-to-gemini-request.js';
import { fromGeminiImageAnswers, fromImagenAnswer, isImagenModel, toGeminiImageRequest, toImagenRequest, type ImagenAnswer } from './gemini-images.js';
import { servedServiceTier } from './gemini-service-tier.js';
import { fromRankAnswer, rankAnswerSchema, toRankRequest, type RankAnswer } from './vertex-ranking.js';
import { fromVertexEmbeddingAnswers, toVertexEmbeddingBodies, vertexEmbeddingAnswerSchema, type VertexEmbeddingAnswer } from './vertex-embeddings.js';

const responseSchema = z.looseObject({ candidates: z.array(z.looseObject({})).optional(), promptFeedback: z.looseObject({}).optional() });
const countSchema = z.looseObject({ totalTokens: z.number() });
const imagenAnswerSchema = z.looseObject({ predictions: z.array(z.looseObject({})).optional() });
/** Calls an image request to a Gemini image model may have in flight at once (one call per image). */
const imageCallsAtOnce = 4;
/** Embedding calls a request may have in flight at once (a model that takes one text a call). */
const embeddingCallsAtOnce = 8;

/**
 * A provider for Google's Gemini API (`generateContent`, `streamGenerateContent?alt=sse`,
 * `countTokens`), or for Gemini models on Vertex AI (`vertex`: the same methods under
 * `/v1/projects/{project}/locations/{location}/publishers/google/models/`, with a Google access token
 * instead of an API key). Gemini speaks its own wire format, which no Tollgate ingress speaks, so
 * every request is translated exactly (see `convertToGeminiRequest`) and every answer translated back.
 */
export class GeminiProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'gemini';
  readonly name: string;
  readonly priceProvider: string;
  /** `gcp.vertex_ai` on Vertex AI. */
  readonly platform: string | undefined;
  readonly #options: GeminiProviderOptions;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #streamHeaders: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #droppedFields: DroppedFieldLog;
  /** Where the fields a model does not take (Gemini 2.5's penalties) are noted, once each. */
  readonly #unfitFields: DroppedFieldLog;
  readonly #vertex: VertexEndpoint | undefined;
  /** Vertex AI's Ranking API (Discovery Engine), another origin; made with the provider when it has `vertex`. */
  readonly #ranking: HttpUpstream | undefined;

  constructor(name: string, options: GeminiProviderOptions, logger: Logger) {
    this.name = name;
    this.#options = options;
    this.priceProvider = options.priceProvider;
    this.#droppedFields = new DroppedFieldLog(untranslatedOpenAIFields, logger, 'Gemini');
    this.#unfitFields = new DroppedFieldLog([], logger, 'Gemini', 'Request field the model does not take; dropped');
    this.#vertex = options.vertex === undefined ? undefined : new VertexEndpoint(name, options.vertex, logger);
    this.platform = this.#vertex === undefined ? undefined : vertexPlatform;
    const baseURL = options.baseURL ?? (this.#vertex === undefined ? 'https://generativelanguage.googleapis.com' : vertexBaseURL(this.#vertex.location));
    this.#upstream = new HttpUpstream({ provider: name, baseURL, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#ranking = this.#vertex === undefined ? undefined : new HttpUpstream({ provider: name, baseURL: options.rankingURL ?? 'https://discoveryengine.googleapis.com', timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#headers = { 'content-type': 'application/json', ...(options.apiKey === undefined ? {} : { 'x-goog-api-key': options.apiKey }), ...options.headers };
    this.#streamHeaders = { ...this.#headers, accept: 'text/event-stream' };
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
  }

  /** The upstream's origin (for traces). */
  get origin(): string {
    return this.#upstream.origin;
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post(`${this.#modelPath(options.model)}:generateContent`, this.#headers, this.#body(request, options), options);
    const parsed = parseUpstreamJson(await body.bytes(), responseSchema, { provider: this.name, expected: 'a GenerateContentResponse' });
    const response = convertFromGeminiResponse(parsed as GeminiResponse, options.model);
    const serviceTier = servedServiceTier(body.headers);
    return { response: serviceTier === undefined ? response : { ...response, service_tier: serviceTier } };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post(`${this.#modelPath(options.model)}:streamGenerateContent?alt=sse`, this.#streamHeaders, this.#body(request, options), options);
    return { type: 'chunks', chunks: convertGeminiStream(body, { provider: this.name, model: options.model, secrets: this.#secrets, serviceTier: servedServiceTier(body.headers) }) };
  }

  async doCountTokens(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    const { contents, systemInstruction, tools } = convertToGeminiRequest(request, { model: options.model, includeThoughts: false });
    const prompt = { contents, ...(systemInstruction === undefined ? {} : { systemInstruction }), ...(tools === undefined ? {} : { tools }) };
    // The Gemini API counts a whole GenerateContentRequest; Vertex AI takes the prompt's fields as they are.
    const countRequest = this.#vertex === undefined ? { generateContentRequest: { model: `models/${options.model.replace(/^models\//, '')}`, ...prompt } } : prompt;
    const answer = await this.#post(`${this.#modelPath(options.model)}:countTokens`, this.#headers, JSON.stringify(countRequest), options);
    const parsed = parseUpstreamJson(await answer.bytes(), countSchema, { provider: this.name, expected: 'a token count' }) as { totalTokens: number };
    return { inputTokens: parsed.totalTokens };
  }

  /**
   * Embeddings, on Vertex AI: its text embedding models' `:predict` (`text-embedding-005`,
   * `gemini-embedding-001`…), whose answers count each text's tokens. The Gemini API's embedding
   * answers count none, so nothing could be charged for them: refused there.
   */
  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    if (this.#vertex === undefined) {
      throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" serves embeddings on Vertex AI only (the Gemini API's embedding answers carry no token counts to charge); give it the vertex option, or route embedding models elsewhere.`, { param: 'model' });
    }
    const path = `${this.#modelPath(options.model)}:predict`;
    // A model that takes one text a call gets as many calls, at most `embeddingCallsAtOnce` at a time.
    const answers = await mapAtMost(toVertexEmbeddingBodies(request, options.model), embeddingCallsAtOnce, async (body) => {
      const answer = await this.#post(path, this.#headers, body, options);
      return parseUpstreamJson(await answer.bytes(), vertexEmbeddingAnswerSchema, { provider: this.name, expected: 'embedding predictions' }) as VertexEmbeddingAnswer;
    });
    return { response: fromVertexEmbeddingAnswers(answers, request, options.model) };
  }

  /**
   * Reranking on Vertex AI with Google's semantic rankers (`semantic-ranker-default@latest`, …) through
   * the Ranking API (`projects/{project}/locations/global/rankingConfigs/default_ranking_config:rank`),
   * its answer in the rerank API's shape. The Gemini API has no ranker: refused there.
   */
  async doRerank(request: RerankRequest, options: ProviderCallOptions): Promise<ProviderRerankResult> {
    const vertex = this.#vertex;
    const ranking = this.#ranking;
    if (vertex === undefined || ranking === undefined) {
      throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" reranks on Vertex AI only (its Ranking API); give it the vertex option, or route rerank models elsewhere.`, { param: 'model' });
    }
    const token = await vertex.accessToken.get();
    const answer = await ranking.post({
      path: `/v1/projects/${encodeURIComponent(vertex.project)}/locations/global/rankingConfigs/default_ranking_config:rank`,
      headers: { ...this.#headers, authorization: `Bearer ${token}` },
      body: toRankRequest(request, options.model),
      options,
      toError: (status, responseHeaders, bodyText) => toGeminiProviderError({ provider: this.name, status, headers: responseHeaders, bodyText, secrets: this.#secrets, credentialOption: 'vertex' }),
    });
    const parsed = parseUpstreamJson(await answer.bytes(), rankAnswerSchema, { provider: this.name, expected: 'ranked records' }) as RankAnswer;
    return { response: fromRankAnswer(parsed, options.model) };
  }

  /**
   * Images for `/v1/images/generations`: an Imagen model's `:predict` (`n` as `sampleCount`; priced by
   * the image), or a Gemini image model's `generateContent` asked for images only (one call per image,
   * their tokens added up as the answer's usage — fewer images when some calls failed and others not,
   * as those were paid for; an edit's images sent with the prompt); `size` as an
   * aspect ratio. Imagen does not edit.
   */
  async doGenerateImages(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderImagesResult> {
    if (isImagenModel(options.model)) {
      if (request.task === 'edit') throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" edits images with Gemini image models only; Imagen (${options.model}) does not edit.`, { param: 'model' });
      const answer = await this.#post(`${this.#modelPath(options.model)}:predict`, this.#headers, toImagenRequest(request, options.model), options);
      const parsed = parseUpstreamJson(await answer.bytes(), imagenAnswerSchema, { provider: this.name, expected: 'image predictions' }) as ImagenAnswer;
      return { response: fromImagenAnswer(parsed) };
    }
    const body = toGeminiImageRequest(request, options.model);
    // A call that drew its image was paid for: kept when another fails.
    const answers = await successfulCalls(request.n ?? 1, imageCallsAtOnce, async () => {
      const answer = await this.#post(`${this.#modelPath(options.model)}:generateContent`, this.#headers, body, options);
      return parseUpstreamJson(await answer.bytes(), responseSchema, { provider: this.name, expected: 'a GenerateContentResponse' }) as GeminiResponse;
    });
    return { response: fromGeminiImageAnswers(answers) };
  }

  async close(): Promise<void> {
    await Promise.all([this.#upstream.close(), this.#ranking?.close()]);
  }

  /** `/v1beta/models/<model>` (a `models/` prefix in the configured id is accepted and not doubled), or the model's path on Vertex AI. */
  #modelPath(model: string): string {
    const id = model.replace(/^models\//, '');
    return this.#vertex === undefined ? `/${this.#options.apiVersion}/models/${encodeURIComponent(id)}` : this.#vertex.modelPath('google', id);
  }

  #body(request: ChatCompletionRequest, options: ProviderCallOptions): string {
    this.#droppedFields.check(request);
    if (!takesPenalties(options.model)) for (const field of ['presence_penalty', 'frequency_penalty'] as const) if (request[field] != null) this.#unfitFields.note(`${field} (${options.model})`);
    const translated = convertToGeminiRequest(request, { model: options.model, includeThoughts: this.#options.includeThoughts });
    if (this.#options.safetySettings !== undefined) translated.safetySettings = this.#options.safetySettings;
    // Vertex AI asks for a tier otherwise than the Gemini API (not in the body): not sent there.
    if (this.#vertex !== undefined) delete translated.serviceTier;
    return JSON.stringify(translated);
  }

  /** One upstream call; on Vertex AI with the provider's Google access token. */
  #post(path: string, headers: Record<string, string>, body: string, options: ProviderCallOptions): Promise<UpstreamBody> {
    const toError = (status: number, responseHeaders: Readonly<Record<string, string | string[] | undefined>>, bodyText: string) =>
      toGeminiProviderError({ provider: this.name, status, headers: responseHeaders, bodyText, secrets: this.#secrets, credentialOption: this.#vertex === undefined ? 'apiKey' : 'vertex' });
    const vertex = this.#vertex;
    if (vertex === undefined) return this.#upstream.post({ path, headers, body, options, toError });
    return vertex.accessToken.get().then((token) => this.#upstream.post({ path, headers: { ...headers, authorization: `Bearer ${token}` }, body, options, toError }));
  }
}
