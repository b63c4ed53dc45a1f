import type { GatewayContext } from '../context/gateway-context.js';
import type { AttemptRecord } from '../context/attempt-record.js';
import type { Principal } from '../context/principal.js';
import type { RequestContext } from '../context/request-context.js';
import { requestTags, requestTagsHeader } from '../context/request-tags.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/to-gateway-error.js';
import { fittedOutputLimit } from './fitted-output-limit.js';
import type { GatewayResponse } from '../plugin/hook-map.js';
import type { ProviderByteStream, ProviderCallOptions, StreamSummary } from '../provider/provider.js';
import type { RouteTarget } from '../provider/route-target.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeBackoff } from '../routing/compute-backoff.js';
import { matchesModelPattern } from '../routing/matches-model-pattern.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import { TargetHealth } from '../routing/target-health.js';
import { TargetQuotas } from '../routing/target-quotas.js';
import { targetsForTags } from '../routing/targets-for-tags.js';
import { targetsThatFit } from '../routing/targets-that-fit.js';
import { applyProviderPreferences, readProviderPreferences, type SortTargets } from '../routing/provider-preferences.js';
import { createLeastLatencyStrategy } from '../routing/strategies/least-latency-strategy.js';
import { lowestCostStrategy } from '../routing/strategies/lowest-cost-strategy.js';
import { TargetStats } from '../routing/target-stats.js';
import type { Clock } from '../services/clock.js';
import type { ModelRouter } from '../routing/model-router.js';
import type { Ledger } from '../services/ledger.js';
import type { ModelPrices, Pricing } from '../services/pricing.js';
import type { CoolingTarget, TargetCircuits } from '../services/target-circuits.js';
import type { TargetQuotaUse } from '../services/target-quota-usage.js';
import type { PrincipalLevels } from '../services/principal-levels.js';
import type { Logger } from '../services/logger.js';
import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import type { EmbeddingResponse } from '../types/embedding-response.js';
import { rerankSearches, type RerankRequest } from '../types/rerank-request.js';
import type { RerankResponse } from '../types/rerank-response.js';
import { imagesUsage, type ImageGenerationResponse } from '../types/image-generation-response.js';
import type { ModerationResponse } from '../types/moderation-response.js';
import type { TranscriptionRequest } from '../types/transcription-request.js';
import { transcriptionUsage, type TranscriptionResponse } from '../types/transcription-response.js';
import type { ModelRequest } from '../types/model-request.js';
import { countChunkText, newStreamedOutput } from '../types/streamed-output.js';
import type { Usage } from '../types/usage.js';
import type { AnswerReaders, ComposedHooks } from './composed-hooks.js';
import { approximateTextTokens, countPromptTokens } from './count-prompt-tokens.js';
import { estimateCutStreamUsage } from './estimate-cut-stream-usage.js';
import { withUsageCost, withUsageCostBytes } from './usage-cost.js';
import { RelayStream, type StreamEnd } from './relay-stream.js';
import { responseToChunks } from './response-to-chunks.js';
import { toLedgerEntry } from './to-ledger-entry.js';
import { validateChatRequest, validateEmbeddingRequest, validateImageRequest, validateModerationRequest, validateStreamedImageRequest, validateRerankRequest, validateSpeechRequest, validateStreamedTranscriptionRequest, validateTranscriptionRequest } from './validate-chat-request.js';

/** Whether a principal's key may call a model: the master key may call any; others what their key, user, team and org allow. */
function mayCall(principal: Principal, model: string): boolean {
  if (principal.isMaster || (principal.allowedModels === undefined && principal.levelModels === undefined)) return true;
  return refusingModelLevel(principal, model) === undefined;
}

/** The level that may not call a model — the key (its own list), or its user, team or org — or undefined when every level may. */
function refusingModelLevel(principal: Principal, model: string): { readonly name: string; readonly models: readonly string[] } | undefined {
  const allows = (models: readonly string[]) => models.some((pattern) => matchesModelPattern(model, pattern));
  if (principal.allowedModels !== undefined && !allows(principal.allowedModels)) return { name: `Key "${principal.keyName}"`, models: principal.allowedModels };
  const level = principal.levelModels?.find((candidate) => !allows(candidate.models));
  return level === undefined ? undefined : { name: `The ${level.scope} "${level.id}" of key "${principal.keyName}"`, models: level.models };
}

/** A passthrough stream's bytes, as they are. */
const passBytes = (bytes: Uint8Array): Uint8Array => bytes;

/** The 400 for a request routed to a provider that does not serve its operation, naming both. */
function unsupportedOperation(target: RouteTarget, context: RequestContext, operation: string): GatewayError {
  return new GatewayError(
    'TOLLGATE_UNSUPPORTED_OPERATION',
    `Provider "${target.provider.name}" does not serve ${operation}, but model "${context.request.model}" routes to it. Route the model to a provider whose upstream serves ${operation}.`,
    { param: 'model' },
  );
}

/** A stream of one piece. */
async function* bytesOnce(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield bytes;
}

/**
 * A chat answer for the ingress to write: a whole response (with the upstream's bytes when they can go
 * out unchanged), decoded chunks, or passthrough SSE bytes already in the client's wire format.
 */
export type ChatResult =
  | { readonly type: 'response'; readonly response: ChatCompletionResponse; readonly body: Uint8Array | undefined }
  | { readonly type: 'chunks'; readonly chunks: AsyncIterableIterator<ChatCompletionChunk> }
  | { readonly type: 'bytes'; readonly body: AsyncIterableIterator<Uint8Array>; readonly summary: StreamSummary };

/** A rerank answer for the ingress to write; `body` the upstream's bytes when they pass through. */
export interface RerankResult {
  readonly response: RerankResponse;
  readonly body: Uint8Array | undefined;
}

/** An images answer for the ingress to write; `body` the upstream's bytes when they pass through. */
export interface ImagesResult {
  readonly response: ImageGenerationResponse;
  readonly body: Uint8Array | undefined;
}

/** A moderation answer for the ingress to write; `body` the upstream's bytes when they pass through. */
export interface ModerationsResult {
  readonly response: ModerationResponse;
  readonly body: Uint8Array | undefined;
}

/** A transcription answer for the ingress to write: `body` the upstream's bytes when they pass through, of `contentType`. */
export interface TranscriptionResult {
  readonly response: TranscriptionResponse;
  readonly body: Uint8Array | undefined;
  readonly contentType: string | undefined;
}

/** A stream of bytes for the ingress to write as they come (a streamed transcription's events, speech), of `contentType`. */
export interface ByteStreamResult {
  readonly body: AsyncIterableIterator<Uint8Array>;
  readonly contentType: string;
}

/** An embeddings answer for the ingress to write. */
export interface EmbeddingsResult {
  readonly response: EmbeddingResponse;
  readonly body: Uint8Array | undefined;
}

/** What the engine is built from; assembled once by `createGateway`. */
export interface EngineOptions {
  readonly hooks: ComposedHooks;
  /** Which plugins added the answer hooks; without it, no request's answer is left unread by them all. */
  readonly answerReaders?: AnswerReaders;
  readonly router: ModelRouter;
  readonly logger: Logger;
  readonly ledger: Ledger | undefined;
  readonly pricing: Pricing | undefined;
  /** Completes a principal with its levels' models and limits after auth (the governance plugin's). */
  readonly principalLevels?: PrincipalLevels;
  readonly clock: Clock;
  /** The targets' minutes against their quotas (a new count by default; `createGateway` shares it between instances). */
  readonly quotas?: TargetQuotas;
  /** Random source of backoff jitter (strategies get theirs from the router). */
  readonly random?: () => number;
}

/** The outcome of one upstream attempt. */
type AttemptOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: GatewayError };

/** A non-streaming chat attempt: one function for every request, not a closure each. */
const callDoChat = (target: RouteTarget, options: ProviderCallOptions, request: ModelRequest) => target.provider.doChat(request as ChatCompletionRequest, options);

/** When the engine asks an upstream what it billed for a stream that ended without usage: after 1.5 s, then 3 s and 6 s more. */
const billedUsageDelaysMs = [1_500, 3_000, 6_000];

/** Wire codes of refusals that another model (a configured fallback group) may not give. */
const contextWindowCodes = new Set(['context_length_exceeded']);

/** `least-latency`'s order, never exploring: what a request sorted by latency asks for. */
const latencyOrder = createLeastLatencyStrategy(Math.random, 0);
const contentPolicyCodes = new Set(['content_policy_violation', 'content_filter']);

/**
 * Runs the request lifecycle: auth → route → transform.request → budget.reserve → dispatch →
 * transform.response → budget.settle → log. Knows no HTTP framework: an ingress builds a
 * `RequestContext`, calls `handleChat` or `handleEmbeddings`, and writes what comes back. Every
 * request is finished (settled, recorded, logged) exactly once, whether it succeeds, fails, or the
 * client goes away.
 */
export class Engine implements TargetCircuits {
  readonly #hooks: ComposedHooks;
  readonly #answerReaders: AnswerReaders | undefined;
  readonly #router: ModelRouter;
  readonly #logger: Logger;
  readonly #ledger: Ledger | undefined;
  readonly #pricing: Pricing | undefined;
  readonly #principalLevels: PrincipalLevels | undefined;
  /** Requests finished whose settle, ledger and log phases have not run to the end yet. */
  #unfinished = 0;
  /** Finished requests waiting for the end of this event-loop turn to be settled, recorded and logged. */
  #toFinish: { readonly context: RequestContext; readonly reserved: boolean }[] = [];
  /** `drain` calls waiting for {@link #unfinished} to reach zero. */
  #drained: (() => void)[] = [];
  /** The finishes (settle, record, log) that returned a promise and have not ended: what {@link settled} waits for. */
  readonly #finishing = new Set<Promise<void>>();
  readonly #stats = new TargetStats();
  /** A request's `provider.sort`: the `lowest-cost` strategy's order, or `least-latency`'s without its exploration. */
  readonly #sortTargets: SortTargets = (targets, by) => (by === 'price' ? lowestCostStrategy : latencyOrder).order(targets, this.#stats, this.#quotas);
  readonly #health: TargetHealth;
  readonly #quotas: TargetQuotas;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: EngineOptions) {
    this.#hooks = options.hooks;
    this.#answerReaders = options.answerReaders;
    this.#router = options.router;
    this.#logger = options.logger;
    this.#ledger = options.ledger;
    this.#pricing = options.pricing;
    this.#principalLevels = options.principalLevels;
    this.#health = new TargetHealth(options.clock);
    this.#quotas = options.quotas ?? new TargetQuotas(options.clock);
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Handles a chat completion. The request is validated after `auth` (so an unauthenticated caller
   * learns nothing about it); streams are returned once their first chunk is available.
   */
  async handleChat(context: RequestContext): Promise<ChatResult> {
    const gatewayContext = context.asGatewayContext();
    const admission = { reserved: false };
    try {
      const early = await this.#admit(context, validateChatRequest, admission);
      if (early !== undefined) return this.#answerEarly(context, early as ChatCompletionResponse);
      if (context.stream) return await this.#dispatchStream(context, admission.reserved);
      const result = await this.#dispatch(context, false, callDoChat);
      noteAnswer(context, result.response);
      const response = (this.#hooks['transform.response'].length === 0 ? result.response : await this.#transformResponse(gatewayContext, result.response)) as ChatCompletionResponse;
      context.status = 200;
      this.#finish(context, admission.reserved);
      return { type: 'response', response, body: response === result.response ? result.body : undefined };
    } catch (error) {
      throw this.#fail(context, error, admission.reserved);
    }
  }

  /** Handles an embeddings request; validated after `auth`, like chat. */
  handleEmbeddings(context: RequestContext): Promise<EmbeddingsResult> {
    return this.#handleWhole(context, validateEmbeddingRequest, 'doEmbed', 'embeddings', (response: EmbeddingResponse) => {
      context.usage = { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.total_tokens };
      context.upstreamModel = response.model;
    });
  }

  /**
   * Handles a rerank request (`POST /v1/rerank`), like embeddings: its usage the tokens the upstream
   * counts, as input (none when it bills by search: a `request` price then, billed once per search —
   * the search units the upstream reports, else one per 100 documents).
   */
  handleRerank(context: RequestContext): Promise<RerankResult> {
    return this.#handleWhole(context, validateRerankRequest, 'doRerank', 'reranking', (response: RerankResponse) => {
      const tokens = response.usage?.total_tokens ?? response.usage?.prompt_tokens ?? 0;
      const reported = response.meta?.billed_units?.search_units;
      const searches = typeof reported === 'number' && reported > 0 ? reported : rerankSearches((context.request as RerankRequest).documents.length);
      context.usage = { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens, billed_requests: searches };
      if (typeof response.model === 'string') context.upstreamModel = response.model;
      if (typeof response.id === 'string') context.responseId = response.id;
    });
  }

  /**
   * Handles an image generation request (`POST /v1/images/generations`), like embeddings: its usage
   * the tokens a GPT Image model counts (the prompt's as input, the images' as output), and the images
   * returned as the requests billed, for models priced by the image (DALL·E: a `request` price).
   */
  handleImages(context: RequestContext): Promise<ImagesResult> {
    return this.#handleWhole(context, validateImageRequest, 'doGenerateImages', 'image generation', (response: ImageGenerationResponse) => {
      context.usage = imagesUsage(response.usage, response.data.length);
    });
  }

  /**
   * Handles a moderation request (`POST /v1/moderations`), like embeddings. Moderation APIs report no
   * usage: the request is counted as no tokens, its cost whatever the model's `request` price says
   * (OpenAI's moderation models are free).
   */
  handleModerations(context: RequestContext): Promise<ModerationsResult> {
    return this.#handleWhole(context, validateModerationRequest, 'doModerate', 'moderation', (response: ModerationResponse) => {
      context.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      if (typeof response.model === 'string') context.upstreamModel = response.model;
      if (typeof response.id === 'string') context.responseId = response.id;
    });
  }

  /**
   * Handles a transcription request (`POST /v1/audio/transcriptions`), like embeddings: its usage what
   * the model bills by — tokens (the prompt's, their audio part, the transcript's) or seconds of audio
   * — else, where the upstream reports none (the plain formats, self-hosted servers), the upload's
   * length as the seconds.
   */
  async handleTranscription(context: RequestContext): Promise<TranscriptionResult> {
    const result = await this.#handleWhole(context, validateTranscriptionRequest, 'doTranscribe', 'transcription', (response: TranscriptionResponse) => {
      const seconds = typeof response.duration === 'number' ? response.duration : (context.request as TranscriptionRequest).file.durationSeconds;
      context.usage = transcriptionUsage(response.usage, seconds);
    });
    return { response: result.response, body: result.body, contentType: result.body === undefined ? undefined : result.contentType };
  }

  /**
   * Handles a streamed image generation (`stream: true`: GPT Image's `image_generation.partial_image`
   * events), relayed as the upstream sends them; its usage the one the final
   * `image_generation.completed` event carries.
   */
  handleImagesStream(context: RequestContext): Promise<ByteStreamResult> {
    return this.#handleByteStream(context, validateStreamedImageRequest, 'doGenerateImagesStream', 'streamed image generation');
  }

  /**
   * Handles a streamed transcription (`stream=true`: GPT-4o transcribe's `transcript.text.delta`
   * events), relayed as the upstream sends them; its usage the one the final `transcript.text.done`
   * event carries. An upstream that streams nothing — Whisper ignores `stream` — answers JSON, passed
   * on as it is.
   */
  handleTranscriptionStream(context: RequestContext): Promise<ByteStreamResult> {
    return this.#handleByteStream(context, validateStreamedTranscriptionRequest, 'doTranscribeStream', 'streamed transcriptions');
  }

  /**
   * Handles a speech request (`POST /v1/audio/speech`): the audio relayed as the upstream makes it
   * (or its events, for `stream_format: "sse"`); its usage what the provider learned by the end — the
   * tokens GPT-4o mini TTS reports, or the characters read for a model billed by them.
   */
  handleSpeech(context: RequestContext): Promise<ByteStreamResult> {
    return this.#handleByteStream(context, validateSpeechRequest, 'doSpeech', 'speech');
  }

  /**
   * A request answered as a stream of bytes (a streamed transcription or image generation, speech): admitted like any
   * request, failed over until the upstream's first bytes, then relayed as they come; recorded when
   * they end (or are cut), with the usage the provider's summary holds by then.
   */
  async #handleByteStream(
    context: RequestContext,
    validate: (request: unknown) => unknown,
    method: 'doTranscribeStream' | 'doSpeech' | 'doGenerateImagesStream',
    operation: string,
  ): Promise<ByteStreamResult> {
    const admission = { reserved: false };
    try {
      const early = await this.#admit(context, validate, admission);
      if (early !== undefined) {
        context.status = 200;
        this.#finish(context, false);
        // An answer a hook gave (no upstream call): written whole, as JSON.
        return { body: bytesOnce(Buffer.from(JSON.stringify(early))), contentType: 'application/json' };
      }
      return await this.#dispatch(context, true, async (target, options, request) => {
        const call = target.provider[method] as ((request: unknown, options: ProviderCallOptions) => Promise<ProviderByteStream>) | undefined;
        if (call === undefined) throw unsupportedOperation(target, context, operation);
        const upstream = await call.call(target.provider, request, options);
        const iterator = upstream.body[Symbol.asyncIterator]();
        const first = await this.#firstOf(iterator);
        context.timings.firstByteAt = performance.now();
        const onEnd = (end: StreamEnd) => {
          context.usage = upstream.summary.usage;
          this.#stats.finished(target.id);
          return this.#endStream(context, end, admission.reserved);
        };
        return { body: new RelayStream(iterator, first, passBytes, onEnd), contentType: upstream.contentType };
      });
    } catch (error) {
      throw this.#fail(context, error, admission.reserved);
    }
  }

  /**
   * A request one provider call answers whole (embeddings, rerank, images, moderations, transcriptions): admitted like chat, sent with
   * the provider's `method` (a 400 naming the provider where it has none), its answer noted, read by
   * hooks and recorded.
   */
  async #handleWhole<Response extends EmbeddingResponse | RerankResponse | ImageGenerationResponse | ModerationResponse | TranscriptionResponse>(
    context: RequestContext,
    validate: (request: unknown) => unknown,
    method: 'doEmbed' | 'doRerank' | 'doGenerateImages' | 'doModerate' | 'doTranscribe',
    operation: string,
    note: (response: Response) => void,
  ): Promise<{ readonly response: Response; readonly body: Uint8Array | undefined; readonly contentType?: string | undefined }> {
    const admission = { reserved: false };
    try {
      const early = await this.#admit(context, validate, admission);
      if (early !== undefined) {
        context.status = 200;
        this.#finish(context, false);
        return { response: early as Response, body: undefined };
      }
      const result = await this.#dispatch(context, false, (target, options, request) => {
        const call = target.provider[method] as ((request: unknown, options: ProviderCallOptions) => Promise<{ readonly response: Response; readonly body?: Uint8Array; readonly contentType?: string }>) | undefined;
        if (call === undefined) throw unsupportedOperation(target, context, operation);
        return call.call(target.provider, request, options);
      });
      note(result.response);
      const response = (this.#hooks['transform.response'].length === 0 ? result.response : await this.#transformResponse(context.asGatewayContext(), result.response)) as Response;
      context.status = 200;
      this.#finish(context, admission.reserved);
      return { response, body: response === result.response ? result.body : undefined, contentType: result.contentType };
    } catch (error) {
      throw this.#fail(context, error, admission.reserved);
    }
  }

  /**
   * Counts a chat request's input tokens with the first target of its route that can (no budget,
   * no retries: counting is free and fast). Auth, decoding, routing and `transform.request` run as
   * for a request, since the request's text leaves for the upstream all the same (a guardrail
   * redacts or blocks it); an answer a hook gives in place of the upstream (a cache hit) does not
   * count tokens and is set aside.
   */
  async countTokens(context: RequestContext): Promise<{ inputTokens: number }> {
    const gatewayContext = context.asGatewayContext();
    await this.#authenticate(gatewayContext);
    context.decode();
    validateChatRequest(context.request);
    await this.#route(gatewayContext);
    await this.#transformRequest(gatewayContext);
    const target = context.targets.find((candidate) => candidate.provider.doCountTokens !== undefined);
    if (target === undefined) {
      throw new GatewayError(
        'TOLLGATE_UNSUPPORTED_OPERATION',
        `Model "${context.request.model}" routes to no provider that can count tokens (Anthropic, Gemini and Bedrock providers can, and OpenAI's own API and vLLM's tokenizer).`,
        { param: 'model' },
      );
    }
    context.target = target;
    return target.provider.doCountTokens!(context.request as ChatCompletionRequest, this.#callOptions(context, target, context.routePolicy ?? this.#router.defaultPolicy, target.params));
  }

  /**
   * Runs the auth phase alone, for routes that carry no model request (`GET /v1/models`). Throws 401
   * like any request would.
   */
  async authenticate(context: RequestContext): Promise<Principal> {
    await this.#authenticate(context.asGatewayContext());
    return context.principal!;
  }

  /**
   * The model names clients can use; only those a principal may call, when one is given, and with
   * `tags` (the key's and the client's, as a request would carry them), those a target serves.
   */
  listModels(principal?: Principal, tags?: readonly string[]): string[] {
    const models = this.#router.listModels();
    if (principal === undefined && tags === undefined) return models;
    return models.filter((model) => (principal === undefined || mayCall(principal, model)) && this.#router.servesTags(model, tags));
  }

  /**
   * A model's prices as the price source knows them for its route's first target (the one a request
   * goes to first under the `fallback` strategy); undefined when it does not route or has no price.
   */
  modelPrices(model: string): ModelPrices | undefined {
    const target = this.#router.resolve(model)?.targets[0];
    if (target === undefined || this.#pricing === undefined) return undefined;
    return this.#pricing.prices({ provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model });
  }

  /**
   * A model's context window in tokens: its route's `contextLength`, else the largest of its targets'
   * (each its own `contextLength` or the price source's), since a group sends a request to the targets
   * that can hold it; undefined when none is known.
   */
  modelContextWindow(model: string): number | undefined {
    const route = this.#router.resolve(model);
    if (route?.contextLength !== undefined || route === undefined) return route?.contextLength;
    let largest: number | undefined;
    for (const target of route.targets) if (target.contextLength !== undefined && (largest === undefined || target.contextLength > largest)) largest = target.contextLength;
    return largest;
  }

  /**
   * Whether a model name routes on this gateway (an exact name, or one a wildcard family takes), a
   * target of it serves `tags`, and the principal, when one is given, may call it. Routes a `route`
   * hook would choose are not known here.
   */
  hasModel(model: string, principal?: Principal, tags?: readonly string[]): boolean {
    if (principal !== undefined && !mayCall(principal, model)) return false;
    return this.#router.servesTags(model, tags);
  }

  /** Every target with a quota, and what the last minute used of it (on this instance, or every instance's when quotas are shared). */
  quotaUsage(): TargetQuotaUse[] {
    return this.#router.quotaTargets().map((target) => ({ target: target.id, provider: target.provider.name, rpm: target.quota?.rpm, tpm: target.quota?.tpm, ...this.#quotas.used(target.id) }));
  }

  /** The targets whose circuit breaker is open or half-open in this instance. */
  coolingTargets(): readonly CoolingTarget[] {
    return this.#health.coolingTargets();
  }

  /** Waits until every finished request has been settled, recorded and logged. */
  async drain(): Promise<void> {
    while (this.#unfinished > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  /**
   * Waits until every request finished so far has been settled, recorded and logged — not those that
   * finish while it waits, so it ends under any load (spend reports call it before they read).
   */
  async settled(): Promise<void> {
    // Finishes queued this turn run in a `setImmediate` scheduled before this one.
    if (this.#toFinish.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all([...this.#finishing]);
  }

  /**
   * The phases before dispatch: auth, validation, route, transform.request, budget.reserve. Returns a
   * hook's early answer (then no budget was reserved); throws when a phase refuses the request.
   * `admission.reserved` turns true as `budget.reserve` starts, so `budget.settle` runs even when a
   * later reserve hook refuses (an earlier one may already hold a budget).
   */
  async #admit(context: RequestContext, validate: (request: unknown) => unknown, admission: { reserved: boolean }): Promise<GatewayResponse | undefined> {
    const gatewayContext = context.asGatewayContext();
    const timings = context.timings;
    // Phases without hooks are skipped, and phases whose hooks all ran synchronously return nothing
    // to await: each await is a turn of the microtask queue. Each phase's end is timed (for traces).
    const authenticated = this.#authenticate(gatewayContext);
    if (authenticated !== undefined) await authenticated;
    timings.authenticatedAt = performance.now();
    context.decode();
    validate(context.request);
    const ownTags = context.headers[requestTagsHeader];
    const keyTags = context.principal?.tags;
    if (ownTags !== undefined || keyTags !== undefined) context.tags = requestTags(keyTags, ownTags);
    const routed = this.#route(gatewayContext);
    if (routed !== undefined) await routed;
    timings.routedAt = performance.now();
    if (this.#hooks['transform.request'].length > 0) {
      const transformed = this.#transformRequest(gatewayContext);
      const early = transformed instanceof Promise ? await transformed : transformed;
      timings.transformedAt = performance.now();
      if (early !== undefined) return early;
    } else {
      timings.transformedAt = timings.routedAt;
    }
    admission.reserved = true;
    const reserveHooks = this.#hooks['budget.reserve'];
    const reserving = this.#runEach(reserveHooks, gatewayContext);
    if (reserving !== undefined) await reserving;
    timings.reservedAt = reserveHooks.length === 0 ? timings.transformedAt : performance.now();
    return undefined;
  }

  /**
   * Runs the `auth` hooks until one names a principal, then completes it with its levels
   * (`PrincipalLevels`); throws 401 when no hook names one. Returns a promise only once a hook or the
   * levels returned one (the config-key hook never does).
   */
  #authenticate(context: GatewayContext, from = 0): Promise<void> | undefined {
    const hooks = this.#hooks.auth;
    for (let index = from; index < hooks.length; index += 1) {
      const pending = hooks[index]!(context);
      if (pending !== undefined) {
        return pending.then(() => (context.principal === undefined ? this.#authenticate(context, index + 1) : this.#completePrincipal(context)));
      }
      if (context.principal !== undefined) return this.#completePrincipal(context);
    }
    return this.#refuseUnauthenticated(context);
  }

  /** The principal completed with what its user, team and org allow, where a service does it; a promise only when it answers with one. */
  #completePrincipal(context: GatewayContext): Promise<void> | undefined {
    const levels = this.#principalLevels;
    if (levels === undefined) return undefined;
    const completed = levels.complete(context.principal!);
    if (!(completed instanceof Promise)) {
      context.principal = completed;
      return undefined;
    }
    return completed.then((principal) => {
      context.principal = principal;
    });
  }

  /** The 401 of a request no `auth` hook recognized: its key is missing, or unknown. */
  #refuseUnauthenticated(context: GatewayContext): never {
    if (context.credential === undefined || context.credential === '') {
      throw new GatewayError('TOLLGATE_MISSING_API_KEY', 'No API key was sent. Send one as `Authorization: Bearer <key>` or in `x-api-key`.');
    }
    throw new GatewayError('TOLLGATE_INVALID_API_KEY', 'The API key is not valid. Check it, or ask the gateway operator for a key.');
  }

  /** The `route` hooks, then the route of the request's model; a promise only once a hook returned one. */
  #route(context: GatewayContext): Promise<void> | undefined {
    const routing = this.#runEach(this.#hooks.route, context);
    if (routing !== undefined) return routing.then(() => this.#resolveRoute(context));
    this.#resolveRoute(context);
    return undefined;
  }

  /** Checks the key may call the model and sets the request's targets and route policy (unless a `route` hook set targets). */
  #resolveRoute(context: GatewayContext): void {
    const model = context.request.model;
    const principal = context.principal!;
    // A key that may call a group may call it with a sorting suffix (`smart:floor`): the group is looked up only for a key with model lists.
    const refusing = mayCall(principal, model) ? undefined : refusingModelLevel(principal, this.#router.groupOf(model));
    if (refusing !== undefined) {
      throw new GatewayError('TOLLGATE_MODEL_NOT_ALLOWED', `${refusing.name} may not call model "${model}". It may call: ${refusing.models.join(', ') || 'no model'}.`, { param: 'model' });
    }
    context.routing = readRoutingOverrides(context);
    if (context.targets.length > 0) {
      context.routePolicy ??= this.#router.defaultPolicy;
      return;
    }
    const route = this.#router.resolve(model);
    if (route === undefined) {
      throw new GatewayError(
        'TOLLGATE_MODEL_NOT_FOUND',
        `The model "${model}" does not exist on this gateway. Use a model listed by GET /v1/models, or add it under \`models\` in the config.`,
        { param: 'model' },
      );
    }
    const served = targetsForTags(route.targets, context.tags);
    if (served.length === 0) {
      throw new GatewayError(
        'TOLLGATE_MODEL_NOT_FOUND',
        `No target of model "${model}" serves ${context.tags === undefined ? 'requests without tags' : `the request's tags (${context.tags.join(', ')})`}: tag a target \`default\` to serve the rest.`,
        { param: 'model' },
      );
    }
    context.targets = route.policy.strategy.order(served, this.#stats, this.#quotas);
    context.routePolicy = route.policy;
    if (context.fallbackModels.length > 0) context.targets = this.#withClientFallbacks(principal, context.targets, context.fallbackModels, context.tags);
    // OpenRouter's routing preferences, on a chat request's own targets.
    const preferences = context.operation === 'chat' ? readProviderPreferences((context.request as { provider?: unknown }).provider) : undefined;
    if (preferences !== undefined) context.targets = applyProviderPreferences(context.targets, preferences, this.#sortTargets, model);
    if (context.targets.length > 1) context.targets = targetsThatFit(context.targets, context.request, context.operation);
    const { contextWindow, contentPolicy } = route.policy.fallbacks;
    if (contextWindow !== undefined || contentPolicy !== undefined) context.fallbackTargets = this.#fallbackTargets(principal, contextWindow, contentPolicy);
  }

  /**
   * The route's targets, then each fallback model's the client named (in its own route's order),
   * each target once. A model the key may not call is refused (403), one that does not route 404.
   */
  #withClientFallbacks(principal: Principal, targets: readonly RouteTarget[], models: readonly string[], tags: readonly string[] | undefined): RouteTarget[] {
    const all = [...targets];
    for (const model of models) {
      const refusing = mayCall(principal, model) ? undefined : refusingModelLevel(principal, model);
      if (refusing !== undefined) {
        throw new GatewayError('TOLLGATE_MODEL_NOT_ALLOWED', `${refusing.name} may not call model "${model}", named as a fallback. It may call: ${refusing.models.join(', ') || 'no model'}.`, { param: 'models' });
      }
      const route = this.#router.resolve(model);
      if (route === undefined) {
        throw new GatewayError('TOLLGATE_MODEL_NOT_FOUND', `The fallback model "${model}" does not exist on this gateway. Use a model listed by GET /v1/models.`, { param: 'models' });
      }
      for (const target of route.policy.strategy.order(targetsForTags(route.targets, tags), this.#stats, this.#quotas)) if (!all.includes(target)) all.push(target);
    }
    return all;
  }

  /** The targets of the refusal fallback models a principal may call (the route's worst case includes them). */
  #fallbackTargets(principal: Principal, ...models: (string | undefined)[]): RouteTarget[] {
    const targets: RouteTarget[] = [];
    for (const model of models) {
      if (model !== undefined && mayCall(principal, model)) targets.push(...(this.#router.resolve(model)?.targets ?? []));
    }
    return targets;
  }

  /**
   * The `transform.request` hooks until one answers in place of the upstream (the answer, else
   * undefined); a promise only once a hook returned one.
   */
  #transformRequest(context: GatewayContext, from = 0): GatewayResponse | undefined | Promise<GatewayResponse | undefined> {
    const hooks = this.#hooks['transform.request'];
    for (let index = from; index < hooks.length; index += 1) {
      const answer = hooks[index]!(context);
      if (answer instanceof Promise) return answer.then((resolved) => resolved ?? this.#transformRequest(context, index + 1));
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  async #transformResponse(context: GatewayContext, response: GatewayResponse): Promise<GatewayResponse> {
    let current = response;
    for (const hook of this.#hooks['transform.response']) {
      const replacement = await hook(context, current);
      if (replacement !== undefined) current = replacement;
    }
    return current;
  }

  /** Runs hooks in order, each once the one before it ended; a promise only once a hook returned one. */
  #runEach(hooks: readonly ((context: GatewayContext) => void | Promise<void>)[], context: GatewayContext, from = 0): Promise<void> | undefined {
    for (let index = from; index < hooks.length; index += 1) {
      const pending = hooks[index]!(context);
      if (pending !== undefined) return pending.then(() => this.#runEach(hooks, context, index + 1));
    }
    return undefined;
  }

  /** A hook answered in place of the upstream: no budget, no dispatch, no response transforms. */
  #answerEarly(context: RequestContext, response: ChatCompletionResponse): ChatResult {
    noteAnswer(context, response);
    context.status = 200;
    if (!context.stream) {
      this.#finish(context, false);
      return { type: 'response', response, body: undefined };
    }
    const iterator = responseToChunks(response);
    return {
      type: 'chunks',
      chunks: new RelayStream(iterator, undefined, (chunk: ChatCompletionChunk) => chunk, (end) => this.#endStream(context, end, false)),
    };
  }

  async #dispatchStream(context: RequestContext, reserved: boolean): Promise<ChatResult> {
    return this.#dispatch(context, true, async (target, options, request): Promise<ChatResult> => {
      const upstream = await target.provider.doStream(request as ChatCompletionRequest, options);
      if (upstream.type === 'bytes') {
        const iterator = upstream.body[Symbol.asyncIterator]();
        const first = await this.#firstOf(iterator);
        context.timings.firstByteAt = performance.now();
        const summary = upstream.summary;
        const onEnd = (end: StreamEnd) => {
          context.usage = summary.usage;
          context.upstreamModel = summary.model;
          context.responseId = summary.id;
          context.finishReasons = summary.finishReasons;
          context.serviceTier = summary.serviceTier;
          context.streamedOutput = summary.output;
          this.#stats.finished(target.id);
          return this.#endStream(context, end, reserved);
        };
        return { type: 'bytes', body: new RelayStream(iterator, first, this.#costInUsage(context) ? this.#bytesWithCost(context, summary) : passBytes, onEnd), summary };
      }
      const iterator = upstream.chunks[Symbol.asyncIterator]();
      const first = await this.#firstOf(iterator);
      context.timings.firstByteAt = performance.now();
      const said = upstream.summary;
      const onEnd = (end: StreamEnd) => {
        // Cut before its usage chunk: what the upstream said so far (Anthropic's message_start) counts.
        if (end.kind !== 'complete' && context.usage === undefined && said?.usage !== undefined) context.usage = said.usage;
        this.#stats.finished(target.id);
        return this.#endStream(context, end, reserved);
      };
      const relay = new RelayStream(iterator, first, (chunk) => this.#relayChunk(context, chunk), onEnd);
      return { type: 'chunks', chunks: relay };
    });
  }

  /** Waits for a stream's first item, so a failure before it can still fail over to the next target. */
  async #firstOf<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
    try {
      return await iterator.next();
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
  }

  #relayChunk(context: RequestContext, chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
    if (chunk.usage != null) context.usage = chunk.usage;
    if (context.upstreamModel === undefined) context.upstreamModel = chunk.model;
    if (context.responseId === undefined) context.responseId = chunk.id;
    if (typeof chunk.service_tier === 'string') context.serviceTier = chunk.service_tier;
    for (const choice of chunk.choices) {
      if (choice.finish_reason != null) context.finishReasons = [...(context.finishReasons ?? []), choice.finish_reason];
    }
    countChunkText((context.streamedOutput ??= newStreamedOutput()), chunk);
    let current: ChatCompletionChunk | null = chunk;
    for (const hook of this.#hooks['transform.chunk']) {
      const replacement = hook(context.asGatewayContext(), current);
      if (replacement === null) return undefined;
      if (replacement !== undefined) current = replacement;
    }
    // The gateway always asks upstream for usage; a client that did not ask does not get the extra chunk.
    const request = context.request as ChatCompletionRequest;
    if (current.choices.length === 0 && current.usage != null) {
      if (request.stream_options?.include_usage !== true) return undefined;
      if (current.usage.cost == null && context.ingress === 'openai') {
        const micros = this.#costOf(context, current.usage, typeof current.service_tier === 'string' ? current.service_tier : context.serviceTier);
        if (micros !== undefined) return withUsageCost(current, micros);
      }
    }
    return current;
  }

  /** Whether a stream's usage chunk gets its cost: an OpenAI chat client that asked for usage. */
  #costInUsage(context: RequestContext): boolean {
    return context.ingress === 'openai' && (context.request as ChatCompletionRequest).stream_options?.include_usage === true;
  }

  /**
   * Passes a stream's bytes, splicing its cost (US dollars) into its usage chunk as it goes by, as
   * OpenRouter's streams carry `usage.cost`: where the upstream gave none, once the tap saw the usage.
   */
  #bytesWithCost(context: RequestContext, summary: StreamSummary): (bytes: Uint8Array) => Uint8Array {
    let done = false;
    return (bytes) => {
      if (done || summary.usage === undefined) return bytes;
      done = true;
      if (summary.usage.cost != null) return bytes;
      const micros = this.#costOf(context, summary.usage, summary.serviceTier);
      return micros === undefined ? bytes : (withUsageCostBytes(bytes, micros) ?? bytes);
    };
  }

  #endStream(context: RequestContext, end: StreamEnd, reserved: boolean): unknown {
    if (end.kind === 'complete') {
      context.status = 200;
      this.#finish(context, reserved);
      return undefined;
    }
    if (end.kind === 'cancelled') {
      context.error = new GatewayError('TOLLGATE_CLIENT_CLOSED_REQUEST', 'The client closed the connection before the stream ended.');
      context.status = context.error.status;
      this.#finish(context, reserved);
      return undefined;
    }
    return this.#fail(context, end.error, reserved);
  }

  /**
   * Tries the route's targets in order: each up to 1 + maxRetries times with backoff (honoring
   * `retry-after`) on retryable failures, skipping targets whose circuit is open, then the next target.
   * A refusal that another model could avoid (context window, content policy) moves once to the
   * group's configured fallback model. For streams, an attempt succeeds with its first chunk, so
   * everything before the first byte can fail over.
   */
  async #dispatch<T>(
    context: RequestContext,
    stream: boolean,
    attempt: (target: RouteTarget, options: ProviderCallOptions, request: ModelRequest) => Promise<T>,
    rerouted = false,
  ): Promise<T> {
    const policy = context.routePolicy ?? this.#router.defaultPolicy;
    let lastFailure: GatewayError | undefined;
    let tried = 0;
    let atQuota: RouteTarget[] | undefined;
    for (const target of context.targets) {
      if (tried > 0 && !context.routing.fallbacks) break;
      // A target that has used its quota this minute would be refused by its provider: the next one.
      if (target.quota !== undefined && !this.#quotas.hasRoom(target.id, target.quota)) {
        (atQuota ??= []).push(target);
        continue;
      }
      if (policy.cooldown !== false && this.#health.admit(target.id) === 'open') continue;
      // A request with parts no translation carries goes only where the client's bytes go.
      if (context.untranslatable !== undefined && this.#clientBytesFor(context, target).rawBody === undefined) {
        lastFailure = context.untranslatable;
        continue;
      }
      tried += 1;
      const maxRetries = target.maxRetries ?? policy.retries.maxRetries;
      let waitedMs = 0;
      // The output limit the target said it takes, once it refused the request's as too large.
      let outputLimit: Readonly<Record<string, number>> | undefined;
      for (let retry = 0; ; retry += 1) {
        if (context.signal.aborted) throw this.#asFailure(context, context.signal.reason);
        const outcome = await this.#attempt(context, target, policy, waitedMs, stream, attempt, outputLimit);
        if (outcome.ok) return outcome.value;
        const failure = outcome.failure;
        // More output than the model gives, or than its context window leaves: once more, at once, with
        // the largest limit it said it takes (not a retry of the same request: not counted as one).
        if (outputLimit === undefined && context.operation === 'chat' && !context.signal.aborted) {
          outputLimit = fittedOutputLimit(context.request as ChatCompletionRequest, failure);
          if (outputLimit !== undefined) {
            this.#logger.info({ requestId: context.requestId, target: target.id, ...outputLimit }, 'output limit lowered to what the model takes');
            retry -= 1;
            waitedMs = 0;
            continue;
          }
        }
        // Not worth retrying here, but the next target may answer — and a refusal another model may
        // not give (its context window, its content policy) moves on when the client named fallbacks.
        const refusal = contextWindowCodes.has(failure.wireCode) || contentPolicyCodes.has(failure.wireCode);
        if (!failure.retryable && (failure.fallback || (refusal && context.fallbackModels.length > 0)) && !context.signal.aborted) {
          lastFailure = failure;
          break;
        }
        if (!failure.retryable || context.signal.aborted) {
          const fallbackModel = rerouted ? undefined : this.#refusalFallback(failure, policy);
          // A key limited to some models is not moved to one it may not call: it gets the refusal.
          const allowed = fallbackModel !== undefined && context.principal !== undefined && mayCall(context.principal, fallbackModel);
          const route = allowed ? this.#router.resolve(fallbackModel) : undefined;
          if (route === undefined) throw failure;
          this.#logger.info({ requestId: context.requestId, code: failure.wireCode, fallback: fallbackModel }, 'rerouting to the fallback model');
          context.targets = route.policy.strategy.order(targetsForTags(route.targets, context.tags), this.#stats, this.#quotas);
          context.routePolicy = route.policy;
          return this.#dispatch(context, stream, attempt, true);
        }
        lastFailure = failure;
        if (retry >= maxRetries) break;
        const delay = computeBackoff(retry, policy.retries, failure.retryAfterMs, this.#random);
        if (delay === undefined) break; // the upstream asks for a longer wait than allowed: next target
        // Node's timers run on the event loop's cached clock, which can lag the real one by a turn's
        // work: what is left of the backoff is waited again, so a body is never resent sooner.
        const until = performance.now() + delay;
        for (let left = delay; left > 0 && !context.signal.aborted; left = until - performance.now()) {
          await sleep(Math.ceil(left), undefined, { signal: context.signal }).catch(() => undefined);
        }
        waitedMs = delay;
      }
    }
    if (lastFailure !== undefined) throw lastFailure;
    if (context.signal.aborted) throw this.#asFailure(context, context.signal.reason);
    if (atQuota !== undefined) {
      const waitMs = Math.min(...atQuota.map((target) => this.#quotas.msUntilRoom(target.id)));
      throw new GatewayError(
        'TOLLGATE_TARGETS_AT_QUOTA',
        `Every target of model "${context.request.model}" that could take the request has used its quota for this minute (${atQuota.map((target) => target.id).join(', ')}); retry in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`,
        { retryAfterMs: Math.max(1_000, waitMs) },
      );
    }
    const reopensAt = Math.min(...context.targets.map((target) => this.#health.reopensAt(target.id) ?? Number.POSITIVE_INFINITY));
    const waitMs = Number.isFinite(reopensAt) ? Math.max(0, reopensAt - this.#clock.now()) : undefined;
    throw new GatewayError(
      'TOLLGATE_NO_HEALTHY_TARGET',
      `Every target of model "${context.request.model}" is cooling down after repeated failures${waitMs === undefined ? '' : `; the next probe is in ${Math.ceil(waitMs / 1000)} s`}.`,
      waitMs === undefined ? {} : { retryAfterMs: waitMs },
    );
  }

  /** One upstream attempt, recorded for headers, logs, the ledger, the strategies and the circuit breaker. */
  async #attempt<T>(
    context: RequestContext,
    target: RouteTarget,
    policy: RoutePolicy,
    waitedMs: number,
    stream: boolean,
    attempt: (target: RouteTarget, options: ProviderCallOptions, request: ModelRequest) => Promise<T>,
    outputLimit?: Readonly<Record<string, number>>,
  ): Promise<AttemptOutcome<T>> {
    const record: AttemptRecord = { target: target.id, startedAt: performance.now(), waitedMs, status: undefined, errorCode: undefined, durationMs: undefined };
    context.attempts.push(record);
    context.target = target;
    context.timings.upstreamStartedAt ??= record.startedAt;
    // A fitted output limit is set over the request like a target's params (over them too).
    const params = outputLimit === undefined ? target.params : { ...target.params, ...outputLimit };
    const request = params === undefined ? context.request : { ...context.request, ...params };
    this.#stats.started(target.id);
    if (target.quota !== undefined) this.#countQuotaAttempt(context, target);
    let keepInFlight = false;
    try {
      const value = await attempt(target, this.#callOptions(context, target, policy, params), request as ModelRequest);
      record.durationMs = performance.now() - record.startedAt;
      record.status = 200;
      this.#stats.recordLatency(target.id, record.durationMs);
      if (policy.cooldown !== false) this.#health.recordSuccess(target.id);
      keepInFlight = stream; // a stream stays in flight until it ends
      return { ok: true, value };
    } catch (error) {
      const failure = this.#asFailure(context, error);
      record.durationMs = performance.now() - record.startedAt;
      record.status = failure.status;
      record.errorCode = failure.code;
      if (policy.cooldown !== false) {
        if (failure.code === 'TOLLGATE_CLIENT_CLOSED_REQUEST') this.#health.releaseProbe(target.id);
        else if (failure.retryable) this.#health.recordFailure(target.id, policy.cooldown);
        else this.#health.recordSuccess(target.id); // the target answered; the request was the problem
      }
      if (failure.retryable) {
        this.#logger.warn({ requestId: context.requestId, target: target.id, code: failure.code, status: failure.status }, 'upstream attempt failed');
      }
      return { ok: false, failure };
    } finally {
      if (!keepInFlight) this.#stats.finished(target.id);
    }
  }

  /** The group's fallback model for a refusal another model may not give, if one is configured. */
  #refusalFallback(failure: GatewayError, policy: RoutePolicy): string | undefined {
    if (contextWindowCodes.has(failure.wireCode)) return policy.fallbacks.contextWindow;
    if (contentPolicyCodes.has(failure.wireCode)) return policy.fallbacks.contentPolicy;
    return undefined;
  }

  #callOptions(context: RequestContext, target: RouteTarget, policy: RoutePolicy, params: RouteTarget['params']): ProviderCallOptions {
    const timeouts = { ...policy.timeouts, ...target.timeouts };
    if (context.routing.timeoutMs !== undefined) timeouts.totalMs = Math.min(context.routing.timeoutMs, timeouts.totalMs ?? Number.POSITIVE_INFINITY);
    const { rawBody, passthrough, passthroughWire } = this.#clientBytesFor(context, target, params);
    return {
      model: target.model,
      signal: context.signal,
      requestId: context.requestId,
      rawBody,
      passthrough,
      passthroughWire,
      timeouts,
      clientHeaders: context.headers,
      targetParams: params,
      upstreamHeaders: context.upstreamHeaders,
    };
  }

  /**
   * Whether a target gets the client's bytes (`rawBody`) and may answer with its own (`passthrough`):
   * when it speaks the client's wire, or another of its `passthroughWires` (`passthroughWire` set: it
   * answers in that wire as bytes, or a stream decoded when a hook reads its chunks), with the target's
   * params set in them where the client's wire names them all; never once a hook replaced the request.
   * A whole answer comes decoded with its bytes alike, so a hook reads it either way and the bytes go
   * out unless one replaced it.
   */
  #clientBytesFor(context: RequestContext, target: RouteTarget, params = target.params): Pick<ProviderCallOptions, 'rawBody' | 'passthrough' | 'passthroughWire'> {
    const sameWire = context.ingress === target.provider.wire;
    const decodes = context.stream && this.#hooks['transform.chunk'].length > 0 && !context.answerUnreadByAll(this.#answerReaders?.chunk);
    const rawBody = params === undefined ? context.rawBody : context.rawBodyWith(params);
    const provider = target.provider;
    const otherWire = !sameWire && rawBody !== undefined && provider.passthroughWires?.includes(context.ingress) === true && (provider.takesWire?.(context.ingress, target.model) ?? true);
    return { rawBody: sameWire || otherWire ? rawBody : undefined, passthrough: (sameWire || otherWire) && !decodes, passthroughWire: otherWire ? context.ingress : undefined };
  }

  #asFailure(context: RequestContext, error: unknown): GatewayError {
    // A hook cancelled the request with its own error (see `makeCancellable`).
    if (context.signal.aborted && GatewayError.isInstance(context.signal.reason)) return context.signal.reason;
    if (context.signal.aborted && !(GatewayError.isInstance(error) && error.code === 'TOLLGATE_CLIENT_CLOSED_REQUEST')) {
      return new GatewayError('TOLLGATE_CLIENT_CLOSED_REQUEST', 'The client closed the connection before the answer was complete.', { cause: error });
    }
    const failure = toGatewayError(error);
    if (failure.code === 'TOLLGATE_INTERNAL') {
      this.#logger.error({ requestId: context.requestId, err: error }, 'request failed unexpectedly');
    }
    return failure;
  }

  #fail(context: RequestContext, error: unknown, reserved: boolean): GatewayError {
    const failure = this.#asFailure(context, error);
    context.error = failure;
    context.status = failure.status;
    this.#finish(context, reserved);
    return failure;
  }

  /**
   * What a finished request cost, in micro-dollars: the provider's own figure when it reports one
   * (OpenRouter's `usage.cost`), else the price source's; undefined when unknown.
   */
  #costOf(context: RequestContext, usage = context.usage, serviceTier = context.serviceTier): number | undefined {
    const target = context.target;
    if (usage === undefined || target === undefined) return undefined;
    if (typeof usage.cost === 'number' && Number.isFinite(usage.cost)) return Math.round(usage.cost * 1_000_000);
    try {
      const model = { provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model, serviceTier };
      return this.#pricing?.costMicros(model, usage);
    } catch (error) {
      this.#logger.error({ requestId: context.requestId, err: error }, 'pricing failed; cost recorded as unknown');
      return undefined;
    }
  }

  /**
   * Prices a request and schedules settle, ledger and log for it, once; they run after the answer is
   * written, at the end of the event-loop turn (one `setImmediate` for every request finished in that
   * turn). A whole answer finishes before it is written, so its cost goes out in its headers.
   */
  #finish(context: RequestContext, reserved: boolean): void {
    if (!context.markFinished()) return;
    context.timings.endedAt = performance.now();
    this.#unfinished += 1;
    const provider = context.target?.provider;
    if (context.usage === undefined && context.responseId !== undefined && provider?.billedUsage !== undefined) {
      void this.#finishBilled(context, reserved, provider.billedUsage.bind(provider));
      return;
    }
    if (isCutStream(context)) this.#estimateCutStream(context);
    if (context.costMicros === undefined) context.costMicros = this.#costOf(context);
    this.#queueFinish(context, reserved);
  }

  /**
   * Charges a stream cut before the upstream's last usage count (the client left, or the upstream
   * broke off) by what went by: the upstream's own counts so far, the output raised to the text
   * counted, the prompt estimated when never said (UTF-8 bytes ÷ 4) — instead of nothing in the
   * ledger and the whole hold in the budgets. Not for a passthrough stream whose provider counts no
   * text: its cost stays unknown.
   */
  #estimateCutStream(context: RequestContext): void {
    if (context.streamedOutput === undefined) return;
    const request = context.request as ChatCompletionRequest;
    context.usage = estimateCutStreamUsage(context.usage, context.streamedOutput, () => countPromptTokens(request, 'chat', approximateTextTokens));
    context.usageSource = 'estimated';
  }

  /**
   * Counts an attempt against its target's quota: the request, and the prompt's estimated tokens
   * (÷ 4 bytes), so concurrent requests see each other's prompts before their usage is known.
   */
  #countQuotaAttempt(context: RequestContext, target: RouteTarget): void {
    this.#quotas.countRequest(target.id);
    // Counted once a request: a retry or a fallback target counts the same prompt.
    context.promptEstimate ??= countPromptTokens(context.request, context.operation, approximateTextTokens);
    context.quotaTokensCounted = context.promptEstimate;
    this.#quotas.countTokens(target.id, context.quotaTokensCounted);
  }

  #queueFinish(context: RequestContext, reserved: boolean): void {
    const target = context.target;
    // What the answer used beyond the prompt's estimate counted as the attempt began.
    if (target?.quota !== undefined && context.usage !== undefined) this.#quotas.countTokens(target.id, context.usage.prompt_tokens + context.usage.completion_tokens - context.quotaTokensCounted);
    if (this.#toFinish.length === 0) setImmediate(this.#finishQueued);
    this.#toFinish.push({ context, reserved });
  }

  /**
   * A stream that ended without usage on an upstream that can say later what it billed (OpenRouter
   * bills what it generated before the client went away): asks it after 1.5, 3 and 6 s, then settles,
   * records and logs the request with what it says — else by what went by, as any cut stream.
   */
  async #finishBilled(context: RequestContext, reserved: boolean, billedUsage: (responseId: string) => Promise<Usage | undefined>): Promise<void> {
    for (const delayMs of billedUsageDelaysMs) {
      // Kept referenced: a gateway draining on SIGTERM waits for these requests' rows (~11 s at most).
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        const usage = await billedUsage(context.responseId!);
        if (usage !== undefined) {
          context.usage = usage;
          context.usageSource = 'billed';
          break;
        }
      } catch (error) {
        this.#logger.warn({ requestId: context.requestId, err: error }, 'the upstream could not say what it billed for a stream that ended without usage');
        break;
      }
    }
    if (context.usage === undefined && isCutStream(context)) this.#estimateCutStream(context);
    if (context.costMicros === undefined) context.costMicros = this.#costOf(context);
    this.#queueFinish(context, reserved);
  }

  readonly #finishQueued = (): void => {
    const queued = this.#toFinish;
    this.#toFinish = [];
    for (const { context, reserved } of queued) {
      const pending = this.#runFinish(context, reserved);
      if (pending === undefined) {
        this.#finished();
        continue;
      }
      const done = pending.finally(this.#finished);
      this.#finishing.add(done);
      void done.finally(() => this.#finishing.delete(done));
    }
  };

  readonly #finished = (): void => {
    this.#unfinished -= 1;
    if (this.#unfinished === 0) for (const resolve of this.#drained.splice(0)) resolve();
  };

  /**
   * Settles, records and logs a finished request. Never throws: each step's failure is logged. Runs
   * synchronously as long as its hooks do (a promise is returned only once a hook returned one), so a
   * request whose hooks are all synchronous costs no promise and no microtask turn here.
   */
  #runFinish(context: RequestContext, reserved: boolean): Promise<void> | undefined {
    const gatewayContext = context.asGatewayContext();
    const settling = reserved ? this.#runFinishingHooks(this.#hooks['budget.settle'], 0, gatewayContext, 'budget.settle hook failed') : undefined;
    if (settling !== undefined) return settling.then(() => this.#recordAndLog(context, gatewayContext));
    return this.#recordAndLog(context, gatewayContext);
  }

  /** The ledger row, then the `log` hooks. */
  #recordAndLog(context: RequestContext, gatewayContext: GatewayContext): Promise<void> | undefined {
    try {
      this.#ledger?.record(toLedgerEntry(context));
    } catch (error) {
      this.#logger.error({ requestId: context.requestId, err: error }, 'ledger record failed');
    }
    return this.#runFinishingHooks(this.#hooks.log, 0, gatewayContext, 'log hook failed');
  }

  /**
   * Runs finishing hooks (`budget.settle`, `log`) from `from` on, each once the one before it ended; a
   * failure is logged under `failure` and the rest still run. A promise only once a hook returned one.
   */
  #runFinishingHooks(hooks: readonly ((context: GatewayContext) => void | Promise<void>)[], from: number, context: GatewayContext, failure: string): Promise<void> | undefined {
    for (let index = from; index < hooks.length; index += 1) {
      let pending: void | Promise<void>;
      try {
        pending = hooks[index]!(context);
      } catch (error) {
        this.#logger.error({ requestId: context.requestId, err: error }, failure);
        continue;
      }
      if (pending !== undefined) {
        return pending.then(
          () => this.#runFinishingHooks(hooks, index + 1, context, failure),
          (error: unknown) => {
            this.#logger.error({ requestId: context.requestId, err: error }, failure);
            return this.#runFinishingHooks(hooks, index + 1, context, failure);
          },
        );
      }
    }
    return undefined;
  }
}

/** Whether a chat stream was cut after the upstream began answering: the client left, or the upstream broke off. */
function isCutStream(context: RequestContext): boolean {
  return context.stream && context.error !== undefined && context.timings.firstByteAt !== undefined && context.target !== undefined;
}

function header(context: GatewayContext, name: string): string | undefined {
  const value = context.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads `x-tollgate-fallbacks` and `x-tollgate-timeout-ms`, for keys allowed to narrow routing. */
function readRoutingOverrides(context: GatewayContext): { fallbacks: boolean; timeoutMs: number | undefined } {
  const fallbacks = header(context, 'x-tollgate-fallbacks');
  const timeout = header(context, 'x-tollgate-timeout-ms');
  if (fallbacks === undefined && timeout === undefined) return { fallbacks: true, timeoutMs: undefined };
  const principal = context.principal!;
  if (!principal.isMaster && principal.routingControl !== true) {
    throw new GatewayError('TOLLGATE_ROUTING_CONTROL_NOT_ALLOWED', `Key "${principal.keyName}" may not set x-tollgate-fallbacks or x-tollgate-timeout-ms. Drop the headers, or ask the operator to set routingControl on the key.`);
  }
  let allowFallbacks = true;
  if (fallbacks !== undefined) {
    if (!['on', 'off'].includes(fallbacks)) {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', `x-tollgate-fallbacks must be "on" or "off"; got "${fallbacks}".`, { param: 'x-tollgate-fallbacks' });
    }
    allowFallbacks = fallbacks === 'on';
  }
  let timeoutMs: number | undefined;
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', `x-tollgate-timeout-ms must be a positive whole number of milliseconds; got "${timeout}".`, { param: 'x-tollgate-timeout-ms' });
    }
  }
  return { fallbacks: allowFallbacks, timeoutMs };
}

/** One answer's finish reason as the list a context holds, made once per reason (no array per request). */
const singleFinishReasons = new Map<string, readonly string[]>();

/** Records what a whole answer says of itself: usage, model, id and each choice's finish reason. */
function noteAnswer(context: RequestContext, response: ChatCompletionResponse): void {
  context.usage = response.usage;
  context.upstreamModel = response.model;
  context.responseId = response.id;
  if (typeof response.service_tier === 'string') context.serviceTier = response.service_tier;
  const choices = response.choices;
  if (choices.length !== 1) {
    context.finishReasons = choices.flatMap((choice) => (choice.finish_reason == null ? [] : [choice.finish_reason]));
    return;
  }
  const reason = choices[0]!.finish_reason;
  if (reason == null) return;
  let reasons = singleFinishReasons.get(reason);
  // Upstreams' own reasons are few; an unbounded variety is not kept.
  if (reasons === undefined) {
    reasons = Object.freeze([reason]);
    if (singleFinishReasons.size < 64) singleFinishReasons.set(reason, reasons);
  }
  context.finishReasons = reasons;
}
