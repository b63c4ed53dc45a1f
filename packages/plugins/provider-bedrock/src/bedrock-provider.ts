import { randomUUID } from 'node:crypto';
import { thinkingRefusedForToolStep, DroppedFieldLog, HttpUpstream, convertAnthropicEvents, convertFromAnthropicResponse, mapAtMost, parseUpstreamJson, successfulCalls, type AnthropicResponse, type UpstreamBody } from '@tollgate/provider-utils';
import { ConfigError, GatewayError, z, type ChatCompletionRequest, type EmbeddingRequest, type ImageGenerationRequest, type Logger, type Provider, type ProviderCallOptions, type ProviderChatResult, type ProviderEmbedResult, type ProviderImagesResult, type ProviderRerankResult, type ProviderStream, type RerankRequest, type StreamSummary, type WireFormat } from '@tollgate/core';
import type { BedrockResponse } from './bedrock-content.js';
import { toBedrockProviderError } from './bedrock-error.js';
import type { BedrockProviderOptions } from './bedrock-provider-options.js';
import { BedrockRequestSigner } from './bedrock-request-signer.js';
import { bedrockRerankAnswerSchema, fromBedrockRerankAnswer, toBedrockRerankBody, type BedrockRerankAnswer } from './bedrock-rerank.js';
import { convertBedrockStream } from './convert-bedrock-stream.js';
import { convertFromBedrockResponse } from './convert-from-bedrock-response.js';
import { convertToBedrockRequest, untranslatedOpenAIFields } from './convert-to-bedrock-request.js';
import { amazonImageAnswerSchema, fromAmazonImageAnswer, isAmazonImageModel, toAmazonImageBody, type AmazonImageAnswer } from './amazon-image-generation.js';
import { imagesAnswerOf, isStabilityImageModel, stabilityImageAnswerSchema, stabilityImagesOf, toStabilityImageBody, type StabilityImageAnswer } from './stability-image-generation.js';
import { claudeEventTexts, claudeEventsAsSse, claudeInvokeBody, isClaudeModel, parsedClaudeEvents } from './invoke-claude.js';
import { cohereEmbeddingAnswerSchema, fromCohereEmbeddingAnswers, isCohereEmbeddingModel, toCohereEmbeddingBodies, type CohereEmbeddingAnswer } from './cohere-embeddings.js';
import { fromTitanEmbeddingAnswers, isTitanTextEmbeddingModel, titanEmbeddingAnswerSchema, toTitanEmbeddingBodies, type TitanEmbeddingAnswer } from './titan-embeddings.js';

const responseSchema = z.looseObject({ output: z.looseObject({ message: z.looseObject({ content: z.array(z.looseObject({})) }) }), stopReason: z.string() });
const messageSchema = z.looseObject({ type: z.literal('message'), content: z.array(z.looseObject({ type: z.string() })) });

/** The operations a request goes to: Converse for a translated request, InvokeModel for a Claude model's Messages API body. */
type Operation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream' | 'count-tokens';

const countSchema = z.looseObject({ inputTokens: z.number() });
/** Embedding calls a request may have in flight at once (Titan embeds one text a call, Cohere 96). */
const embeddingCallsAtOnce = 8;
/** Calls an image request to a model that draws one image a call (Stability's) may have in flight at once. */
const imageCallsAtOnce = 4;

/** A model id without a cross-region inference profile's geography prefix (`us.anthropic.…` → `anthropic.…`). */
function foundationModelId(model: string): string {
  return model.replace(/^(?:us|eu|apac|jp|au|ca|us-gov|global)\./, '');
}

/**
 * A provider for Amazon Bedrock: the Converse API (`/model/{modelId}/converse` and `/converse-stream`)
 * for every model, its own wire format (and a binary event stream) which no Tollgate ingress speaks,
 * so requests are translated exactly (see `convertToBedrockRequest`); and for Claude models InvokeModel
 * (`/invoke`, `/invoke-with-response-stream`), which takes the Messages API's body, so an Anthropic
 * client's request (Claude Code's) goes as it sent it — thinking, cache marks and all — and its answer
 * comes back as Anthropic's events (see `invoke-claude.ts`). Signed with SigV4 (or a Bedrock API key).
 */
export class BedrockProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'bedrock';
  /** Claude models on Bedrock take the Messages API's body through InvokeModel (see {@link takesWire}). */
  readonly passthroughWires: readonly WireFormat[] = ['anthropic'];
  readonly name: string;
  readonly priceProvider: string;
  readonly #options: BedrockProviderOptions;
  readonly #upstream: HttpUpstream;
  /** The base URL's path (empty for the public endpoint), which signed paths start with. */
  readonly #basePath: string;
  /** `guardrailConfig` from the options, built once. */
  readonly #guardrailConfig: Record<string, unknown> | undefined;
  /** The headers to sign for each operation, built once. */
  readonly #headers: Readonly<Record<Operation, Record<string, string>>>;
  /** The headers to sign for JSON in and out without a guardrail: embedding calls (InvokeModel) and reranking. */
  readonly #jsonHeaders: Record<string, string>;
  readonly #signer: BedrockRequestSigner;
  /** The Agent Runtime (Rerank): its own origin, signed alike. */
  readonly #agentRuntime: { readonly upstream: HttpUpstream; readonly signer: BedrockRequestSigner; readonly basePath: string };
  readonly #region: string;
  readonly #secrets: readonly string[];
  readonly #droppedFields: DroppedFieldLog;
  /** Where the fields a model does not take (Claude's sampling with thinking on) are noted, once each. */
  readonly #unfitFields: DroppedFieldLog;

  constructor(name: string, options: BedrockProviderOptions, logger: Logger) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (region === undefined || region === '') throw new ConfigError([{ path: `providers.${name}.region`, message: 'set the AWS region here or in AWS_REGION' }]);
    this.name = name;
    this.#options = options;
    this.priceProvider = options.priceProvider;
    this.#droppedFields = new DroppedFieldLog(untranslatedOpenAIFields, logger, 'Converse');
    this.#unfitFields = new DroppedFieldLog([], logger, 'Converse', 'Request field the model does not take; dropped');
    const base = new URL(options.baseURL ?? `https://bedrock-runtime.${region}.amazonaws.com`);
    this.#basePath = base.pathname.replace(/\/+$/, '');
    const guardrail = options.guardrail;
    this.#guardrailConfig = guardrail === undefined ? undefined : { guardrailIdentifier: guardrail.identifier, guardrailVersion: guardrail.version, ...(guardrail.trace === undefined ? {} : { trace: guardrail.trace }) };
    // InvokeModel takes a guardrail in headers, where Converse takes it in the body.
    const invokeGuardrail: Record<string, string> =
      guardrail === undefined
        ? {}
        : { 'x-amzn-bedrock-guardrailidentifier': guardrail.identifier, 'x-amzn-bedrock-guardrailversion': guardrail.version, ...(guardrail.trace === undefined ? {} : { 'x-amzn-bedrock-trace': guardrail.trace.toUpperCase() }) };
    this.#headers = {
      converse: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      'converse-stream': { 'content-type': 'application/json', accept: 'application/vnd.amazon.eventstream', ...options.headers },
      invoke: { 'content-type': 'application/json', accept: 'application/json', ...invokeGuardrail, ...options.headers },
      'invoke-with-response-stream': { 'content-type': 'application/json', accept: 'application/vnd.amazon.eventstream', ...invokeGuardrail, ...options.headers },
      'count-tokens': { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
    };
    this.#jsonHeaders = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    this.#upstream = new HttpUpstream({ provider: name, baseURL: base.href, timeouts: options.timeouts, maxConnections: options.maxConnections });
    this.#signer = new BedrockRequestSigner({ region, origin: base, apiKey: options.apiKey, credentials: options.credentials });
    this.#region = region;
    const agentRuntime = new URL(options.agentRuntimeURL ?? `https://bedrock-agent-runtime.${region}.amazonaws.com`);
    this.#agentRuntime = {
      upstream: new HttpUpstream({ provider: name, baseURL: agentRuntime.href, timeouts: options.timeouts, maxConnections: options.maxConnections }),
      signer: new BedrockRequestSigner({ region, origin: agentRuntime, apiKey: options.apiKey, credentials: options.credentials }),
      basePath: agentRuntime.pathname.replace(/\/+$/, ''),
    };
    this.#secrets = [options.apiKey, options.credentials?.secretAccessKey, options.credentials?.sessionToken].filter((secret): secret is string => secret !== undefined);
  }

  /** The upstream's origin (for traces). */
  get origin(): string {
    return this.#upstream.origin;
  }

  /** Whether `model` takes an Anthropic client's body: Claude models do, through InvokeModel. */
  takesWire(wire: WireFormat, model: string): boolean {
    return wire === 'anthropic' && this.#options.messagesAPI && isClaudeModel(model);
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    if (options.passthroughWire === 'anthropic' && options.rawBody !== undefined) {
      const answer = await this.#send('invoke', this.#invokeBody(request, options.rawBody, options), options);
      const bytes = await answer.bytes();
      const response = convertFromAnthropicResponse(parseUpstreamJson(bytes, messageSchema, { provider: this.name, expected: 'a Messages API message' }) as AnthropicResponse);
      return options.passthrough ? { response, body: bytes } : { response };
    }
    const body = await this.#post('converse', request, options);
    const parsed = parseUpstreamJson(await body.bytes(), responseSchema, { provider: this.name, expected: 'a Converse response' });
    return { response: convertFromBedrockResponse(parsed as unknown as BedrockResponse, { id: `chatcmpl-${randomUUID()}`, model: options.model }) };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    if (options.passthroughWire === 'anthropic' && options.rawBody !== undefined) {
      const answer = await this.#send('invoke-with-response-stream', this.#invokeBody(request, options.rawBody, options), options);
      const texts = claudeEventTexts(answer, this.name, this.#secrets);
      if (!options.passthrough) {
        const said: StreamSummary = { usage: undefined, model: undefined };
        return { type: 'chunks', chunks: convertAnthropicEvents(parsedClaudeEvents(texts), { provider: this.name, secrets: this.#secrets, summary: said }), summary: said };
      }
      const summary: StreamSummary = { usage: undefined, model: undefined };
      return { type: 'bytes', body: claudeEventsAsSse(texts, summary, this.name, this.#secrets), summary };
    }
    const body = await this.#post('converse-stream', request, options);
    return { type: 'chunks', chunks: convertBedrockStream(body, { provider: this.name, id: `chatcmpl-${randomUUID()}`, model: options.model, secrets: this.#secrets }) };
  }

  /**
   * CountTokens (`/model/{id}/count-tokens`) with the request as Converse takes it: the model's own
   * tokenizer, no inference, no cost. It takes foundation-model ids only, so a cross-region inference
   * profile's geography prefix (`us.`, `eu.`, `global.`…) is dropped.
   */
  async doCountTokens(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    const { messages, system, toolConfig, additionalModelRequestFields } = JSON.parse(this.#body(request, options)) as Record<string, unknown>;
    const body = JSON.stringify({ input: { converse: { messages, system, toolConfig, additionalModelRequestFields } } });
    const answer = await this.#send('count-tokens', body, { ...options, model: foundationModelId(options.model) });
    const parsed = parseUpstreamJson(await answer.bytes(), countSchema, { provider: this.name, expected: 'a token count' }) as { inputTokens: number };
    return { inputTokens: parsed.inputTokens };
  }

  /**
   * Embeddings through InvokeModel: Amazon's Titan Text Embeddings (v1, v2), one call a text, the
   * tokens Titan counted as the usage; Cohere's Embed (v3, v4), 96 texts a call, the tokens Bedrock
   * counted (its `x-amzn-bedrock-input-token-count` header) as the usage. At most 8 calls at a time;
   * `dimensions` passed on. Other embedding models are refused.
   */
  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    if (isCohereEmbeddingModel(options.model)) {
      const answers = await mapAtMost(toCohereEmbeddingBodies(request, options.model), embeddingCallsAtOnce, async (body) => {
        const answer = await this.#send('invoke', body, options, this.#jsonHeaders);
        const parsed = parseUpstreamJson(await answer.bytes(), cohereEmbeddingAnswerSchema, { provider: this.name, expected: "a Cohere embedding (`embeddings.float`)" }) as CohereEmbeddingAnswer;
        // Bedrock counts them in a header; without it, a token is taken as four characters (never a silent 0).
        const counted = Number(answer.headers['x-amzn-bedrock-input-token-count']);
        const inputTokens = Number.isFinite(counted) && counted > 0 ? counted : Math.ceil((JSON.parse(body) as { texts: string[] }).texts.join('').length / 4);
        return { answer: parsed, inputTokens };
      });
      return { response: fromCohereEmbeddingAnswers(answers, request, options.model) };
    }
    if (!isTitanTextEmbeddingModel(options.model)) {
      throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" embeds with Titan Text Embeddings (amazon.titan-embed-text-…) and Cohere Embed (cohere.embed-…) models only; route "${request.model}" elsewhere.`, { param: 'model' });
    }
    const answers = await mapAtMost(toTitanEmbeddingBodies(request), embeddingCallsAtOnce, async (body) => {
      const answer = await this.#send('invoke', body, options, this.#jsonHeaders);
      return parseUpstreamJson(await answer.bytes(), titanEmbeddingAnswerSchema, { provider: this.name, expected: 'a Titan embedding' }) as TitanEmbeddingAnswer;
    });
    return { response: fromTitanEmbeddingAnswers(answers, request, options.model) };
  }

  /**
   * Images for `/v1/images/generations` through InvokeModel: Amazon's image models (Nova Canvas, Titan
   * Image Generator v2), `TEXT_IMAGE` (see `toAmazonImageBody`), or Stability AI's (one image a call,
   * see `toStabilityImageBody`); priced by the image. Edits are not translated: refused.
   */
  async doGenerateImages(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderImagesResult> {
    const stability = isStabilityImageModel(options.model);
    if ((!isAmazonImageModel(options.model) && !stability) || request.task === 'edit') {
      throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" draws images with Amazon Nova Canvas, Titan Image Generator and Stability AI's models (amazon.nova-canvas-…, amazon.titan-image-generator-…, stability.…) only, and edits none; route "${request.model}" elsewhere.`, { param: 'model' });
    }
    if (stability) {
      // One image a call; a call that drew its image was paid for: kept when another fails.
      const body = toStabilityImageBody(request, options.model);
      const images = await successfulCalls(request.n ?? 1, imageCallsAtOnce, async () => {
        const answer = await this.#send('invoke', body, options, this.#jsonHeaders);
        return stabilityImagesOf(parseUpstreamJson(await answer.bytes(), stabilityImageAnswerSchema, { provider: this.name, expected: 'an image answer (`images`)' }) as StabilityImageAnswer, this.name);
      });
      return { response: imagesAnswerOf(images) };
    }
    const answer = await this.#send('invoke', toAmazonImageBody(request), options, this.#jsonHeaders);
    const parsed = parseUpstreamJson(await answer.bytes(), amazonImageAnswerSchema, { provider: this.name, expected: 'an image answer (`images`)' }) as AmazonImageAnswer;
    return { response: fromAmazonImageAnswer(parsed, this.name) };
  }

  /**
   * Reranking with Bedrock's reranker models (`amazon.rerank-v1:0`, `cohere.rerank-v3-5:0`, or a
   * model's ARN) through the Agent Runtime's Rerank API, its answer in the rerank API's shape.
   */
  async doRerank(request: RerankRequest, options: ProviderCallOptions): Promise<ProviderRerankResult> {
    const body = toBedrockRerankBody(request, options.model, this.#region);
    const { upstream, signer, basePath } = this.#agentRuntime;
    const headers = await signer.sign({ path: `${basePath}/rerank`, headers: this.#jsonHeaders, body });
    const answer = await upstream.post({
      path: '/rerank',
      headers,
      body,
      options,
      toError: (status, responseHeaders, bodyText) => toBedrockProviderError({ provider: this.name, status, headers: responseHeaders, bodyText, secrets: this.#secrets }),
    });
    const parsed = parseUpstreamJson(await answer.bytes(), bedrockRerankAnswerSchema, { provider: this.name, expected: 'a Rerank answer' }) as BedrockRerankAnswer;
    return { response: fromBedrockRerankAnswer(parsed, request, options.model) };
  }

  async close(): Promise<void> {
    await Promise.all([this.#upstream.close(), this.#agentRuntime.upstream.close()]);
  }

  #body(request: ChatCompletionRequest, options: ProviderCallOptions): string {
    this.#droppedFields.check(request);
    const translated = convertToBedrockRequest(request, { model: options.model });
    // What Claude does not take of the sampling settings (with thinking on, or both together) was left out.
    if (request.temperature != null && translated.inferenceConfig?.temperature === undefined) this.#unfitFields.note(`temperature (${options.model})`);
    if (request.top_p != null && translated.inferenceConfig?.topP === undefined) this.#unfitFields.note(`top_p (${options.model})`);
    if (this.#options.additionalModelRequestFields !== undefined) translated.additionalModelRequestFields = { ...this.#options.additionalModelRequestFields, ...translated.additionalModelRequestFields };
    if (this.#guardrailConfig !== undefined) translated.guardrailConfig = this.#guardrailConfig;
    return JSON.stringify(translated);
  }

  /**
   * An Anthropic client's body as InvokeModel takes it for Claude (see `claudeInvokeBody`); thinking
   * off for a step of a tool loop another model made, which Claude would refuse with thinking on.
   */
  #invokeBody(request: ChatCompletionRequest, rawBody: Uint8Array, options: ProviderCallOptions): string {
    return claudeInvokeBody(rawBody, options.clientHeaders['anthropic-beta'], this.#options.additionalModelRequestFields, thinkingRefusedForToolStep(request) ? { thinking: { type: 'disabled' } } : undefined);
  }

  #post(operation: 'converse' | 'converse-stream', request: ChatCompletionRequest, options: ProviderCallOptions): Promise<UpstreamBody> {
    return this.#send(operation, this.#body(request, options), options);
  }

  async #send(operation: Operation, body: string, options: ProviderCallOptions, operationHeaders = this.#headers[operation]): Promise<UpstreamBody> {
    // A model id may be an ARN or hold a colon (`…-v1:0`): one encoded path segment.
    const path = `/model/${encodeURIComponent(options.model)}/${operation}`;
    const headers = await this.#signer.sign({ path: this.#basePath + path, headers: operationHeaders, body });
    return this.#upstream.post({
      path,
      headers,
      body,
      options,
      toError: (status, responseHeaders, bodyText) => toBedrockProviderError({ provider: this.name, status, headers: responseHeaders, bodyText, secrets: this.#secrets }),
    });
  }
}
