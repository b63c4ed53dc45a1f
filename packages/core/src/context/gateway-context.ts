import type { GatewayError } from '../errors/gateway-error.js';
import type { RouteTarget } from '../provider/route-target.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import type { ImageGenerationRequest } from '../types/image-generation-request.js';
import type { ModerationRequest } from '../types/moderation-request.js';
import type { SpeechRequest } from '../types/speech-request.js';
import type { TranscriptionRequest } from '../types/transcription-request.js';
import type { RerankRequest } from '../types/rerank-request.js';
import type { Usage, UsageSource } from '../types/usage.js';
import type { WireFormat } from '../types/wire-format.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import type { AttemptRecord } from './attempt-record.js';
import type { Principal } from './principal.js';
import type { PluginApi } from '../plugin/plugin-api.js';

/**
 * Typed per-request variables that plugins add by declaration merging, never by ad-hoc properties:
 *
 * @example
 * declare module '@tollgate/core' {
 *   interface ContextVariableMap { cacheKey: string }
 * }
 * context.set('cacheKey', key);
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- extended by declaration merging
export interface ContextVariableMap {}

/** Monotonic timestamps (`performance.now()`) of the request's milestones. */
export interface RequestTimings {
  readonly receivedAt: number;
  /** When `auth` ended: a principal was named. */
  authenticatedAt: number | undefined;
  /** When the request was validated and routed (`route` hooks, then the model's targets). */
  routedAt: number | undefined;
  /** When `transform.request` ended (guardrails, cache lookups); `routedAt` when it has no hooks. */
  transformedAt: number | undefined;
  /** When `budget.reserve` ended (rate limits, budgets): the request was admitted; `transformedAt` when it has no hooks. */
  reservedAt: number | undefined;
  upstreamStartedAt: number | undefined;
  /** When the first answer byte (or chunk) from upstream was available. */
  firstByteAt: number | undefined;
  endedAt: number | undefined;
}

/** Routing narrowed for one request (`x-tollgate-fallbacks: off`, `x-tollgate-timeout-ms: 30000`). */
export interface RoutingOverrides {
  /** False: only the first target is tried (its retries still apply). */
  readonly fallbacks: boolean;
  /** A total timeout for each upstream call of this request. */
  readonly timeoutMs: number | undefined;
}

/** Fields every request's context has, whatever the operation. */
export interface GatewayContextBase {
  readonly requestId: string;
  /** The wire format the client speaks. */
  readonly ingress: WireFormat;
  /** Aborted when the client disconnects (or a hook cancels the request): pass it to anything slow. */
  readonly signal: AbortSignal;
  /**
   * Lets a hook cancel the request later — the upstream call and a stream in flight included — with
   * its own error (a guardrail's verdict arriving while the upstream answers). Call it before
   * dispatch (in `transform.request`); the function it returns aborts `signal` with the error.
   */
  makeCancellable(): (reason: GatewayError) => void;
  /** The client's request headers, lower-cased. Treat `authorization` and `x-api-key` as secrets. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The key the client presented (bearer token or `x-api-key`); only `auth` hooks should read it. */
  readonly credential: string | undefined;
  /** Milliseconds since the Unix epoch when the request arrived. */
  readonly startedAt: number;
  readonly timings: RequestTimings;
  /** True when the client asked for a streamed answer. */
  readonly stream: boolean;
  /** True once a hook called `replaceRequest`: the client's bytes no longer match the request. */
  readonly requestReplaced: boolean;
  /** Set by `auth`. */
  principal: Principal | undefined;
  /**
   * The tags the client gave the request (`x-tollgate-tags`), each once, in its order; read after
   * `auth` (a malformed list is a 400). Recorded in the ledger, where spend is reported by tag.
   */
  readonly tags: readonly string[] | undefined;
  /** Set by `route`: the targets to try, in order (the group's strategy already applied). */
  targets: readonly RouteTarget[];
  /**
   * Set by `route`: the targets of the group's refusal fallbacks (`fallbacks.contextWindow`,
   * `fallbacks.contentPolicy`) that the key may call — where a refusal may move the request, so a
   * budget's worst case prices them too. Empty when the group has none.
   */
  fallbackTargets: readonly RouteTarget[];
  /** Set by `route`: retries, timeouts, cooldown and fallbacks of the model group. */
  routePolicy: RoutePolicy | undefined;
  /** Narrowing the caller asked for with routing headers (when its key may). */
  routing: RoutingOverrides;
  /**
   * Models the client named to try, in order, when `model`'s targets fail (OpenRouter's `models`,
   * LiteLLM's `fallbacks`); their targets follow the route's. Empty when it named none.
   */
  readonly fallbackModels: readonly string[];
  /** The target of the current (or last) attempt. */
  target: RouteTarget | undefined;
  /** Every upstream attempt so far, retries and fallbacks included. */
  readonly attempts: AttemptRecord[];
  /** Token usage, once known. */
  usage: Usage | undefined;
  /** Cost in integer micro-dollars, once known; undefined means unknown, not free. */
  costMicros: number | undefined;
  /** Where `usage` comes from when not from the answer itself (see {@link UsageSource}); undefined when the answer said it. */
  usageSource: UsageSource | undefined;
  /** The model the upstream says answered. */
  upstreamModel: string | undefined;
  /** The id the upstream gave its answer (`chatcmpl-…`, `msg_…`, `resp_…`), once known. */
  responseId: string | undefined;
  /**
   * Why the model stopped (`stop`, `length`, `tool_calls`, `content_filter`), one per choice, in
   * OpenAI's vocabulary whatever the upstream's; set when the answer ended.
   */
  finishReasons: readonly string[] | undefined;
  /**
   * The processing tier the upstream says it served the request at (OpenAI's `default`, `flex`,
   * `priority`), once known; undefined where the upstream does not say. Prices follow it.
   */
  serviceTier: string | undefined;
  /** The HTTP status the client got (set when the request ends). */
  status: number | undefined;
  /** The error the request ended with, if any. */
  error: GatewayError | undefined;
  /** The guardrails that ran on this request (its response header and ledger row list them). */
  readonly guardrails: readonly string[];
  /** Notes that a guardrail ran (once per name) and lists them in `x-tollgate-guardrails`. */
  noteGuardrail(name: string): void;
  /**
   * Set when the client's request carries parts the canonical `request` leaves out (an Anthropic server
   * tool, OpenAI's built-in tools): it goes upstream only as the client's bytes, and the error is what
   * a target that cannot take them answers. A hook that keys on `request` (a response cache) must not
   * take two such requests for the same one.
   */
  readonly untranslatable: GatewayError | undefined;
  /**
   * The most web searches the upstream may run, and bill, for this request as a server tool (an
   * Anthropic web search tool's `max_uses`, OpenAI's `max_tool_calls`): 0 without a search tool,
   * `Infinity` when nothing bounds them. Budgets reserve their fees.
   */
  readonly webSearchLimit: number;
  /**
   * The processing tier the client asks for: the request's `service_tier` (OpenAI's `priority`,
   * `flex`), or `fast` for `speed: "fast"` (Claude's fast mode); undefined when it names none. Budgets
   * reserve at its prices; the request is charged at the tier the answer says (`serviceTier`).
   */
  readonly requestedServiceTier: string | undefined;
  /**
   * Bounds the web searches the client's request leaves unbounded at `limit`, in its own wire format
   * (the Responses API's `max_tool_calls`, `max_uses` on a Messages web search tool), so an upstream
   * cannot run and bill more; `webSearchLimit` then says how many it may run. Does nothing when they are
   * bounded already, or when the client's wire has no way to bound them.
   */
  boundWebSearches(limit: number): void;
  /**
   * Set when the upstream adds input it stores to this request (OpenAI's `previous_response_id` or
   * `conversation`): the field's name. That input is out of the gateway's sight: `request` holds only
   * what the client sent, so its prompt cannot be counted (a budget cannot bound it).
   */
  readonly storedInput: string | undefined;
  /**
   * Set when the client asked for parts of the answer only the upstream's own bytes carry (the Responses
   * API's `include: ["reasoning.encrypted_content"]`, the Messages API's `thinking`, whose blocks come
   * signed), which its next turn sends back: the field's name. A response cache must not answer it from
   * its canonical copy.
   */
  readonly needsUpstreamAnswer: string | undefined;
  /** True once a hook marked the answer as this caller's alone: a response cache must not keep it. */
  readonly answerPrivate: boolean;
  /**
   * Marks the answer as this caller's alone — a guardrail put the caller's own redacted values back
   * into it — so a response cache does not serve it to another caller whose request redacts the same.
   */
  markAnswerPrivate(): void;
  /**
   * Says this plugin's answer hooks have nothing to do for this request (a response cache bypassing
   * it, a guardrail out of scope); call it from `transform.request` with the plugin's own `api` (a
   * plugin listed twice speaks for one instance). When every plugin instance with `transform.chunk`
   * hooks said so, a stream passes through as the upstream's own bytes instead of being decoded for
   * them, and those hooks are not called. (A whole answer needs no such word: `transform.response`
   * hooks read it decoded, and its bytes go out unless one returns a replacement.)
   */
  leaveAnswerUnread(reader: PluginApi): void;
  /** Headers hooks asked to send to the upstream (trace context), if any. */
  readonly upstreamHeaders: Readonly<Record<string, string>> | undefined;
  /** Asks providers to send a header upstream with this request's calls (set before dispatch). */
  setUpstreamHeader(name: string, value: string): void;
  /** Headers hooks added to the response (rate-limit state, cache status); sent on answers and errors. */
  readonly responseHeaders: Readonly<Record<string, string>> | undefined;
  /** Adds a response header (lower-case name); a later call with the same name wins. */
  setResponseHeader(name: string, value: string): void;
  /** Reads a plugin variable. */
  get<K extends keyof ContextVariableMap>(key: K): ContextVariableMap[K] | undefined;
  /** Sets a plugin variable. */
  set<K extends keyof ContextVariableMap>(key: K, value: ContextVariableMap[K]): void;
}

/** The context of a chat completion request. */
export interface ChatContext extends GatewayContextBase {
  readonly operation: 'chat';
  readonly request: ChatCompletionRequest;
  /** Replaces the request; the engine then re-encodes it upstream. */
  replaceRequest(next: ChatCompletionRequest): void;
  /**
   * Rewrites the texts of the request's messages (system text, user and assistant texts, tool results)
   * with `map` in the client's own wire format, while the request still goes upstream as the client's
   * bytes — so what only those bytes carry goes on as sent (Claude Code's `cache_control` marks and
   * thinking blocks, Codex's reasoning items) — and decodes the canonical request from the result.
   * Returns whether a text changed; undefined when the client's wire is the canonical one or its bytes
   * no longer match the request, and nothing was called: map the canonical request then
   * (`replaceRequest`).
   */
  rewriteClientTexts(map: (text: string) => string): boolean | undefined;
  /**
   * Sets top-level fields (`max_tokens`) and keeps the client's bytes going upstream (passthrough, with
   * what only they carry): fields the request lacks are spliced in, never re-encoded; setting one the
   * client set re-encodes the bytes once with the new value.
   */
  addRequestFields(fields: Partial<ChatCompletionRequest>): void;
}

/** The context of an embeddings request. */
export interface EmbeddingsContext extends GatewayContextBase {
  readonly operation: 'embeddings';
  readonly request: EmbeddingRequest;
  replaceRequest(next: EmbeddingRequest): void;
  /** As for chat: sets top-level fields, keeping the client's bytes. */
  addRequestFields(fields: Partial<EmbeddingRequest>): void;
}

/** The context of a rerank request (`POST /v1/rerank`). */
export interface RerankContext extends GatewayContextBase {
  readonly operation: 'rerank';
  readonly request: RerankRequest;
  replaceRequest(next: RerankRequest): void;
  /** As for chat: sets top-level fields, keeping the client's bytes. */
  addRequestFields(fields: Partial<RerankRequest>): void;
}

/** The context of an image generation request (`POST /v1/images/generations`). */
export interface ImagesContext extends GatewayContextBase {
  readonly operation: 'images';
  readonly request: ImageGenerationRequest;
  replaceRequest(next: ImageGenerationRequest): void;
  /** As for chat: sets top-level fields, keeping the client's bytes. */
  addRequestFields(fields: Partial<ImageGenerationRequest>): void;
}

/** The context of a moderation request (`POST /v1/moderations`). */
export interface ModerationsContext extends GatewayContextBase {
  readonly operation: 'moderations';
  readonly request: ModerationRequest;
  replaceRequest(next: ModerationRequest): void;
  /** As for chat: sets top-level fields, keeping the client's bytes. */
  addRequestFields(fields: Partial<ModerationRequest>): void;
}

/** The context of a transcription request (`POST /v1/audio/transcriptions`). */
export interface TranscriptionsContext extends GatewayContextBase {
  readonly operation: 'transcriptions';
  readonly request: TranscriptionRequest;
  replaceRequest(next: TranscriptionRequest): void;
  /** Sets form fields of the request sent upstream. */
  addRequestFields(fields: Partial<TranscriptionRequest>): void;
}

/** The context of a speech request (`POST /v1/audio/speech`). */
export interface SpeechContext extends GatewayContextBase {
  readonly operation: 'speech';
  readonly request: SpeechRequest;
  replaceRequest(next: SpeechRequest): void;
  /** As for chat: sets top-level fields, keeping the client's bytes. */
  addRequestFields(fields: Partial<SpeechRequest>): void;
}

/**
 * Everything a hook knows about one request: the canonical request, the principal, the chosen target,
 * usage, cost, timings and the client's abort signal. Narrow it with `context.operation`.
 */
export type GatewayContext = ChatContext | EmbeddingsContext | RerankContext | ImagesContext | ModerationsContext | TranscriptionsContext | SpeechContext;
