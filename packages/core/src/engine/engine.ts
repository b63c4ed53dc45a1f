import type { GatewayContext } from '../context/gateway-context.js';
import type { Principal } from '../context/principal.js';
import type { RequestContext } from '../context/request-context.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/to-gateway-error.js';
import type { GatewayResponse } from '../plugin/hook-map.js';
import type { ProviderCallOptions } from '../provider/provider.js';
import type { RouteTarget } from '../provider/route-target.js';
import { matchesModelPattern } from '../routing/matches-model-pattern.js';
import type { ModelRouter } from '../routing/model-router.js';
import type { Ledger } from '../services/ledger.js';
import type { Logger } from '../services/logger.js';
import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import type { EmbeddingResponse } from '../types/embedding-response.js';
import type { ComposedHooks } from './composed-hooks.js';
import { RelayStream, type StreamEnd } from './relay-stream.js';
import { responseToChunks } from './response-to-chunks.js';
import { toLedgerEntry } from './to-ledger-entry.js';
import { validateChatRequest, validateEmbeddingRequest } from './validate-chat-request.js';

/**
 * A chat answer for the ingress to write: a whole response (with the upstream's bytes when they can go
 * out unchanged), decoded chunks, or passthrough SSE bytes already in the client's wire format.
 */
export type ChatResult =
  | { readonly type: 'response'; readonly response: ChatCompletionResponse; readonly body: Uint8Array | undefined }
  | { readonly type: 'chunks'; readonly chunks: AsyncIterableIterator<ChatCompletionChunk> }
  | { readonly type: 'bytes'; readonly body: AsyncIterableIterator<Uint8Array> };

/** An embeddings answer for the ingress to write. */
export interface EmbeddingsResult {
  readonly response: EmbeddingResponse;
  readonly body: Uint8Array | undefined;
}

/** What the engine is built from; assembled once by `createGateway`. */
export interface EngineOptions {
  readonly hooks: ComposedHooks;
  readonly router: ModelRouter;
  readonly logger: Logger;
  readonly ledger: Ledger | undefined;
}

/**
 * Runs the request lifecycle: auth → route → transform.request → budget.reserve → dispatch →
 * transform.response → budget.settle → log. Knows no HTTP framework: an ingress builds a
 * `RequestContext`, calls `handleChat` or `handleEmbeddings`, and writes what comes back. Every
 * request is finished (settled, recorded, logged) exactly once, whether it succeeds, fails, or the
 * client goes away.
 */
export class Engine {
  readonly #hooks: ComposedHooks;
  readonly #router: ModelRouter;
  readonly #logger: Logger;
  readonly #ledger: Ledger | undefined;
  readonly #finished = new WeakSet<RequestContext>();
  readonly #pending = new Set<Promise<void>>();

  constructor(options: EngineOptions) {
    this.#hooks = options.hooks;
    this.#router = options.router;
    this.#logger = options.logger;
    this.#ledger = options.ledger;
  }

  /**
   * Handles a chat completion. The request is validated after `auth` (so an unauthenticated caller
   * learns nothing about it); streams are returned once their first chunk is available.
   */
  async handleChat(context: RequestContext): Promise<ChatResult> {
    const gatewayContext = context.asGatewayContext();
    let reserved = false;
    try {
      const early = await this.#admit(context, validateChatRequest);
      if (early !== undefined) return this.#answerEarly(context, early as ChatCompletionResponse);
      reserved = true;
      if (context.stream) return await this.#dispatchStream(context, reserved);
      const result = await this.#tryTargets(context, (target, options) =>
        target.provider.doChat(context.request as ChatCompletionRequest, options),
      );
      context.usage = result.response.usage;
      context.upstreamModel = result.response.model;
      const response = (await this.#transformResponse(gatewayContext, result.response)) as ChatCompletionResponse;
      context.status = 200;
      this.#finish(context, reserved);
      return { type: 'response', response, body: response === result.response ? result.body : undefined };
    } catch (error) {
      throw this.#fail(context, error, reserved);
    }
  }

  /** Handles an embeddings request; validated after `auth`, like chat. */
  async handleEmbeddings(context: RequestContext): Promise<EmbeddingsResult> {
    const gatewayContext = context.asGatewayContext();
    let reserved = false;
    try {
      const early = await this.#admit(context, validateEmbeddingRequest);
      if (early !== undefined) {
        context.status = 200;
        this.#finish(context, false);
        return { response: early as EmbeddingResponse, body: undefined };
      }
      reserved = true;
      const result = await this.#tryTargets(context, (target, options) => {
        if (target.provider.doEmbed === undefined) {
          throw new GatewayError(
            'TOLLGATE_UNSUPPORTED_OPERATION',
            `Provider "${target.provider.name}" does not serve embeddings, but model "${context.request.model}" routes to it. Route embedding models to a provider that supports them.`,
            { param: 'model' },
          );
        }
        return target.provider.doEmbed(context.request as EmbeddingRequest, options);
      });
      const usage = result.response.usage;
      context.usage = { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens };
      context.upstreamModel = result.response.model;
      const response = (await this.#transformResponse(gatewayContext, result.response)) as EmbeddingResponse;
      context.status = 200;
      this.#finish(context, reserved);
      return { response, body: response === result.response ? result.body : undefined };
    } catch (error) {
      throw this.#fail(context, error, reserved);
    }
  }

  /**
   * Runs the auth phase alone, for routes that carry no model request (`GET /v1/models`). Throws 401
   * like any request would.
   */
  async authenticate(context: RequestContext): Promise<Principal> {
    await this.#authenticate(context.asGatewayContext());
    return context.principal!;
  }

  /** The model names clients can use; only those a principal may call, when one is given. */
  listModels(principal?: Principal): string[] {
    const models = this.#router.listModels();
    const allowed = principal?.isMaster === true ? undefined : principal?.allowedModels;
    return allowed === undefined ? models : models.filter((model) => allowed.some((pattern) => matchesModelPattern(model, pattern)));
  }

  /** Waits until every finished request has been settled, recorded and logged. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * The phases before dispatch: auth, validation, route, transform.request, budget.reserve. Returns a
   * hook's early answer (then no budget was reserved); throws when a phase refuses the request.
   */
  async #admit(context: RequestContext, validate: (request: unknown) => unknown): Promise<GatewayResponse | undefined> {
    const gatewayContext = context.asGatewayContext();
    await this.#authenticate(gatewayContext);
    validate(context.request);
    await this.#route(gatewayContext);
    const early = await this.#transformRequest(gatewayContext);
    if (early !== undefined) return early;
    await this.#runEach(this.#hooks['budget.reserve'], gatewayContext);
    return undefined;
  }

  async #authenticate(context: GatewayContext): Promise<void> {
    for (const hook of this.#hooks.auth) {
      await hook(context);
      if (context.principal !== undefined) return;
    }
    if (context.credential === undefined || context.credential === '') {
      throw new GatewayError('TOLLGATE_MISSING_API_KEY', 'No API key was sent. Send one as `Authorization: Bearer <key>` or in `x-api-key`.');
    }
    throw new GatewayError('TOLLGATE_INVALID_API_KEY', 'The API key is not valid. Check it, or ask the gateway operator for a key.');
  }

  async #route(context: GatewayContext): Promise<void> {
    await this.#runEach(this.#hooks.route, context);
    const model = context.request.model;
    const principal = context.principal!;
    if (!principal.isMaster && principal.allowedModels !== undefined && !principal.allowedModels.some((pattern) => matchesModelPattern(model, pattern))) {
      throw new GatewayError(
        'TOLLGATE_MODEL_NOT_ALLOWED',
        `Key "${principal.keyName}" may not call model "${model}". It may call: ${principal.allowedModels.join(', ') || 'no model'}.`,
        { param: 'model' },
      );
    }
    if (context.targets.length > 0) return;
    const targets = this.#router.resolve(model);
    if (targets === undefined) {
      throw new GatewayError(
        'TOLLGATE_MODEL_NOT_FOUND',
        `The model "${model}" does not exist on this gateway. Use a model listed by GET /v1/models, or add it under \`models\` in the config.`,
        { param: 'model' },
      );
    }
    context.targets = targets;
  }

  async #transformRequest(context: GatewayContext): Promise<GatewayResponse | undefined> {
    for (const hook of this.#hooks['transform.request']) {
      const answer = await hook(context);
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

  async #runEach(hooks: readonly ((context: GatewayContext) => void | Promise<void>)[], context: GatewayContext): Promise<void> {
    for (const hook of hooks) await hook(context);
  }

  /** A hook answered in place of the upstream: no budget, no dispatch, no response transforms. */
  #answerEarly(context: RequestContext, response: ChatCompletionResponse): ChatResult {
    context.usage = response.usage;
    context.upstreamModel = response.model;
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
    return this.#tryTargets(context, async (target, options): Promise<ChatResult> => {
      const upstream = await target.provider.doStream(context.request as ChatCompletionRequest, options);
      if (upstream.type === 'bytes') {
        const iterator = upstream.body[Symbol.asyncIterator]();
        const first = await this.#firstOf(iterator);
        context.timings.firstByteAt = performance.now();
        const summary = upstream.summary;
        const onEnd = (end: StreamEnd) => {
          context.usage = summary.usage;
          context.upstreamModel = summary.model;
          return this.#endStream(context, end, reserved);
        };
        return { type: 'bytes', body: new RelayStream(iterator, first, (bytes) => bytes, onEnd) };
      }
      const iterator = upstream.chunks[Symbol.asyncIterator]();
      const first = await this.#firstOf(iterator);
      context.timings.firstByteAt = performance.now();
      const relay = new RelayStream(iterator, first, (chunk) => this.#relayChunk(context, chunk), (end) => this.#endStream(context, end, reserved));
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
    let current: ChatCompletionChunk | null = chunk;
    for (const hook of this.#hooks['transform.chunk']) {
      const replacement = hook(context.asGatewayContext(), current);
      if (replacement === null) return undefined;
      if (replacement !== undefined) current = replacement;
    }
    // The gateway always asks upstream for usage; a client that did not ask does not get the extra chunk.
    const request = context.request as ChatCompletionRequest;
    if (current.choices.length === 0 && current.usage != null && request.stream_options?.include_usage !== true) return undefined;
    return current;
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

  async #tryTargets<T>(context: RequestContext, attempt: (target: RouteTarget, options: ProviderCallOptions) => Promise<T>): Promise<T> {
    let lastFailure: GatewayError | undefined;
    for (const target of context.targets) {
      if (context.signal.aborted) break;
      context.target = target;
      context.attempts += 1;
      context.timings.upstreamStartedAt = performance.now();
      try {
        return await attempt(target, this.#callOptions(context, target));
      } catch (error) {
        const failure = this.#asFailure(context, error);
        if (!failure.retryable || context.signal.aborted) throw failure;
        lastFailure = failure;
        this.#logger.warn({ requestId: context.requestId, target: target.id, code: failure.code, status: failure.status }, 'upstream attempt failed');
      }
    }
    throw lastFailure ?? this.#asFailure(context, new Error('no target was tried'));
  }

  #callOptions(context: RequestContext, target: RouteTarget): ProviderCallOptions {
    const sameWire = context.ingress === target.provider.wire;
    const decodes = context.stream ? this.#hooks['transform.chunk'].length > 0 : this.#hooks['transform.response'].length > 0;
    return {
      model: target.model,
      signal: context.signal,
      requestId: context.requestId,
      rawBody: sameWire ? context.rawBody : undefined,
      passthrough: sameWire && !decodes,
    };
  }

  #asFailure(context: RequestContext, error: unknown): GatewayError {
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

  /** Schedules settle, ledger and log for a request, once; they run after the answer is written. */
  #finish(context: RequestContext, reserved: boolean): void {
    if (this.#finished.has(context)) return;
    this.#finished.add(context);
    context.timings.endedAt = performance.now();
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#runFinish(context, reserved))
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  async #runFinish(context: RequestContext, reserved: boolean): Promise<void> {
    const gatewayContext = context.asGatewayContext();
    if (reserved) {
      for (const hook of this.#hooks['budget.settle']) {
        try {
          await hook(gatewayContext);
        } catch (error) {
          this.#logger.error({ requestId: context.requestId, err: error }, 'budget.settle hook failed');
        }
      }
    }
    try {
      this.#ledger?.record(toLedgerEntry(context));
    } catch (error) {
      this.#logger.error({ requestId: context.requestId, err: error }, 'ledger record failed');
    }
    for (const hook of this.#hooks.log) {
      try {
        await hook(gatewayContext);
      } catch (error) {
        this.#logger.error({ requestId: context.requestId, err: error }, 'log hook failed');
      }
    }
  }
}
