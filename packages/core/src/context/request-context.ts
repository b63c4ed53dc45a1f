import type { GatewayError } from '../errors/gateway-error.js';
import type { RouteTarget } from '../provider/route-target.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ModelRequest } from '../types/model-request.js';
import type { Operation } from '../types/operation.js';
import type { StreamedOutput } from '../types/streamed-output.js';
import type { Usage, UsageSource } from '../types/usage.js';
import type { WireFormat } from '../types/wire-format.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import type { AttemptRecord } from './attempt-record.js';
import type { ContextVariableMap, GatewayContext, RequestTimings, RoutingOverrides } from './gateway-context.js';
import type { Principal } from './principal.js';
import type { PluginApi } from '../plugin/plugin-api.js';
import { setJsonFields, spliceJsonFields } from '../provider/splice-json-fields.js';
import { requestedServiceTier } from '../services/pricing.js';

/** What the ingress knows when a request arrives. */
/** No fallback models: one shared empty list. */
const noModels: readonly string[] = [];

export interface RequestContextInit {
  readonly requestId: string;
  readonly operation: Operation;
  readonly ingress: WireFormat;
  readonly request: ModelRequest;
  /** The client's body bytes, kept for the passthrough path. */
  readonly rawBody?: Uint8Array;
  /** Models the client named to try, in order, after `model` (OpenRouter's `models`, LiteLLM's `fallbacks`). */
  readonly fallbackModels?: readonly string[];
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly credential?: string;
  readonly signal?: AbortSignal;
  /** `performance.now()` when the request arrived; defaults to now. */
  readonly receivedAt?: number;
  /** Epoch milliseconds when the request arrived; defaults to now. */
  readonly startedAt?: number;
  /**
   * Turns a body still in the client's wire format (an Anthropic Messages request) into the canonical
   * request. The engine calls it after `auth`, so an unauthenticated caller learns nothing about its
   * body; until then `request` is the body as received.
   */
  readonly decode?: (body: unknown) => ModelRequest;
  /**
   * Names the canonical fields a hook added (`addRequestFields`), or a target's params, as the client's
   * wire format does, for setting in the client's bytes (the Responses API's `max_output_tokens` for `max_tokens`); undefined
   * when the wire has no name for one, and the bytes then no longer serve. `clientBody` is the client's
   * parsed body (where it is kept), for a field set inside one of its objects (`reasoning_effort` in a
   * Messages body's `output_config`). Without it, the fields keep their canonical names (the chat wire
   * is the canonical one).
   */
  readonly encodeAddedFields?: (fields: Readonly<Record<string, unknown>>, clientBody: unknown) => Record<string, unknown> | undefined;
  /** Reads what the canonical request will not say of a body in the client's wire format; called with `decode`. */
  readonly inspect?: (body: unknown) => ClientBodyFacts;
  /**
   * The fields of the client's wire format that bound, at `limit` each, the web searches a body leaves
   * unbounded (the Responses API's `max_tool_calls`; `max_uses` on the Messages API's web search tools),
   * and the most it may then run; undefined when the wire cannot bound them.
   */
  readonly boundWebSearches?: (body: unknown, limit: number) => BoundedWebSearches | undefined;
  /**
   * Maps the texts of a body in the client's wire format (its messages' texts, not their signed or
   * encrypted parts): the same object when no text changed. With it, a hook can rewrite texts and keep
   * the client's bytes going upstream (see `rewriteClientTexts`).
   */
  readonly mapClientTexts?: (body: unknown, map: (text: string) => string) => unknown;
}

/** A body's web searches bounded: the client's-wire fields to set, and the most searches it may then run. */
export interface BoundedWebSearches {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly webSearchLimit: number;
}

/** What a body in the client's wire format holds that its canonical request does not say. */
export interface ClientBodyFacts {
  /**
   * What in it no translation carries (an Anthropic server tool, OpenAI's built-in tools, a
   * conversation OpenAI stores), as the error to answer when the request cannot go upstream as the
   * client's bytes; absent when all of it translates. `decode` leaves such parts out of the canonical
   * request; the engine sends the request only to targets that take the bytes.
   */
  readonly untranslatable?: GatewayError | undefined;
  /** The most web searches an upstream may run for it (its server tools' `max_uses`, `max_tool_calls`); `Infinity` when nothing bounds them, absent or 0 without a search tool. */
  readonly webSearchLimit?: number;
  /** The field by which the upstream adds input it stores (OpenAI's `previous_response_id`, `conversation`), for what counts the prompt. */
  readonly storedInput?: string | undefined;
  /**
   * The field by which the client asks for parts of the answer only the upstream's own bytes carry
   * (the Responses API's `include` of encrypted reasoning; the Messages API's `thinking`, whose blocks
   * come signed): its next turn sends them back, so no canonical copy of an answer may stand in for it.
   */
  readonly needsUpstreamAnswer?: string | undefined;
  /**
   * The processing tier the body asks for where the canonical request has no field for it: `fast` for
   * the Messages API's `speed: "fast"` (Claude's fast mode, priced at a multiple of the standard rates).
   */
  readonly serviceTier?: string | undefined;
}

/** The facts of a body that holds nothing beyond its canonical request. */
const noFacts: ClientBodyFacts = Object.freeze({});

/** The engine's implementation of {@link GatewayContext}. */
export class RequestContext {
  readonly requestId: string;
  readonly operation: Operation;
  readonly ingress: WireFormat;
  #signal: AbortSignal;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly credential: string | undefined;
  readonly startedAt: number;
  readonly timings: RequestTimings;
  readonly stream: boolean;
  readonly fallbackModels: readonly string[];
  principal: Principal | undefined = undefined;
  targets: readonly RouteTarget[] = [];
  fallbackTargets: readonly RouteTarget[] = [];
  routePolicy: RoutePolicy | undefined = undefined;
  routing: RoutingOverrides = { fallbacks: true, timeoutMs: undefined };
  target: RouteTarget | undefined = undefined;
  /** The prompt's estimated tokens (4 bytes a token), once a target with a quota needed them. */
  promptEstimate: number | undefined = undefined;
  /** The prompt's estimated tokens counted against the current target's quota as its attempt began; the rest when usage is known. */
  quotaTokensCounted = 0;
  readonly attempts: AttemptRecord[] = [];
  usage: Usage | undefined = undefined;
  costMicros: number | undefined = undefined;
  usageSource: UsageSource | undefined = undefined;
  /** The generated text a stream carried, counted as it went by (a cut stream is charged by it). */
  streamedOutput: StreamedOutput | undefined = undefined;
  upstreamModel: string | undefined = undefined;
  responseId: string | undefined = undefined;
  finishReasons: readonly string[] | undefined = undefined;
  serviceTier: string | undefined = undefined;
  tags: readonly string[] | undefined = undefined;
  status: number | undefined = undefined;
  error: GatewayError | undefined = undefined;
  #request: ModelRequest;
  #rawBody: Uint8Array | undefined;
  #requestReplaced = false;
  #finished = false;
  /** Fields set by `addRequestFields`, and the client's bytes with them (made once). */
  #addedFields: Record<string, unknown> | undefined;
  /** True once `addRequestFields` set a field the client had set: its bytes are then re-encoded, not spliced. */
  #overridesClientFields = false;
  #splicedBody: Uint8Array | undefined;
  /** The client's bytes with the last target params asked for (see `rawBodyWith`). */
  #withParams: { readonly params: object; readonly base: Uint8Array; readonly bytes: Uint8Array | undefined } | undefined;
  /** Fields set in the client's wire format itself (bounding its web searches), over the added ones. */
  #wireFields: Record<string, unknown> | undefined;
  /** The body in the client's wire, kept after decoding while its web searches may be bounded or its texts rewritten. */
  #clientBody: unknown;
  readonly #boundWebSearches: RequestContextInit['boundWebSearches'];
  readonly #mapClientTexts: RequestContextInit['mapClientTexts'];
  #decode: ((body: unknown) => ModelRequest) | undefined;
  /** The decoder, kept while the client's texts may be rewritten (the request is then decoded again). */
  #decoder: ((body: unknown) => ModelRequest) | undefined;
  readonly #encodeAddedFields: RequestContextInit['encodeAddedFields'];
  readonly #inspect: RequestContextInit['inspect'];
  #facts: ClientBodyFacts = noFacts;
  #variables: Map<PropertyKey, unknown> | undefined;
  #responseHeaders: Record<string, string> | undefined;
  #guardrails: string[] | undefined;
  #answerPrivate = false;
  /** Plugin instances (their `api`) that said this request's answer is nothing to their hooks. */
  #answerUnreadBy: Set<object> | undefined;
  #upstreamHeaders: Record<string, string> | undefined;

  constructor(init: RequestContextInit) {
    this.requestId = init.requestId;
    this.operation = init.operation;
    this.ingress = init.ingress;
    this.#signal = init.signal ?? new AbortController().signal;
    this.headers = init.headers ?? {};
    this.credential = init.credential;
    this.startedAt = init.startedAt ?? Date.now();
    this.timings = {
      receivedAt: init.receivedAt ?? performance.now(),
      authenticatedAt: undefined,
      routedAt: undefined,
      transformedAt: undefined,
      reservedAt: undefined,
      upstreamStartedAt: undefined,
      firstByteAt: undefined,
      endedAt: undefined,
    };
    this.#request = init.request;
    this.#rawBody = init.rawBody;
    this.fallbackModels = init.fallbackModels ?? noModels;
    this.#decode = init.decode;
    this.#encodeAddedFields = init.encodeAddedFields;
    this.#inspect = init.inspect;
    this.#boundWebSearches = init.boundWebSearches;
    this.#mapClientTexts = init.mapClientTexts;
    // A chat's or an image generation's `stream: true`, or a transcription form's `stream=true`.
    const asked = (init.request as { stream?: unknown } | undefined)?.stream;
    this.stream = init.operation === 'chat' || init.operation === 'images' ? asked === true : init.operation === 'transcriptions' && asked === 'true';
  }

  get request(): ModelRequest {
    return this.#request;
  }

  get requestReplaced(): boolean {
    return this.#requestReplaced;
  }

  /** The client's bytes (with any fields hooks set), while they still match the request. */
  get rawBody(): Uint8Array | undefined {
    if (this.#requestReplaced || this.#rawBody === undefined) return undefined;
    if (this.#addedFields === undefined && this.#wireFields === undefined) return this.#rawBody;
    if (this.#splicedBody === undefined) {
      const added = this.#addedFields === undefined || this.#encodeAddedFields === undefined ? this.#addedFields : this.#encodeAddedFields(this.#addedFields, this.#clientBody);
      if (this.#addedFields !== undefined && added === undefined) return undefined;
      const fields = { ...added, ...this.#wireFields };
      this.#splicedBody = this.#overridesClientFields ? setJsonFields(this.#rawBody, fields) : spliceJsonFields(this.#rawBody, fields);
    }
    return this.#splicedBody;
  }

  /**
   * The client's bytes with a target's `params` set over them, under the names the client's wire
   * gives them (a Messages body's `stop_sequences` for `stop`, a Responses body's `max_output_tokens`
   * for `max_tokens`), so a target of the client's own wire with params still gets its bytes; undefined
   * when a param has no such name, or the bytes no longer match the request. Made once per params.
   */
  rawBodyWith(params: Readonly<Record<string, unknown>>): Uint8Array | undefined {
    const base = this.rawBody;
    if (base === undefined) return undefined;
    const cached = this.#withParams;
    if (cached !== undefined && cached.params === params && cached.base === base) return cached.bytes;
    const fields = this.#encodeAddedFields === undefined ? params : this.#encodeAddedFields(params, this.#clientBody);
    const bytes = fields === undefined ? undefined : setJsonFields(base, fields);
    this.#withParams = { params, base, bytes };
    return bytes;
  }

  /** Decodes a wire-format body into the canonical request (once); the client's bytes still match it. */
  decode(): void {
    if (this.#decode === undefined) return;
    const decode = this.#decode;
    this.#decode = undefined;
    if (this.#inspect !== undefined) this.#facts = this.#inspect(this.#request);
    if (this.#mapClientTexts !== undefined) this.#decoder = decode;
    if (this.#mapClientTexts !== undefined || (this.#facts.webSearchLimit === Infinity && this.#boundWebSearches !== undefined)) this.#clientBody = this.#request;
    this.#request = decode(this.#request);
  }

  rewriteClientTexts(map: (text: string) => string): boolean | undefined {
    const body = this.#clientBody;
    if (this.#requestReplaced || this.#rawBody === undefined || body === undefined || this.#mapClientTexts === undefined || this.#decoder === undefined) return undefined;
    const next = this.#mapClientTexts(body, map);
    if (next === body) return false;
    this.#clientBody = next;
    this.#rawBody = Buffer.from(JSON.stringify(next));
    this.#splicedBody = undefined;
    this.#request = { ...this.#decoder(next), ...this.#addedFields } as ModelRequest;
    return true;
  }

  /** Why the request can only go upstream as the client's bytes (see {@link ClientBodyFacts}); undefined when it translates. */
  get untranslatable(): GatewayError | undefined {
    return this.#facts.untranslatable;
  }

  /** The most web searches the upstream may bill for this request (see {@link ClientBodyFacts}). */
  get webSearchLimit(): number {
    return this.#facts.webSearchLimit ?? 0;
  }

  /** The client's field by which the upstream adds input it stores (see {@link ClientBodyFacts}). */
  get storedInput(): string | undefined {
    return this.#facts.storedInput;
  }

  /** The client's field that asks for what only the upstream's own answer carries (see {@link ClientBodyFacts}). */
  get needsUpstreamAnswer(): string | undefined {
    return this.#facts.needsUpstreamAnswer;
  }

  /**
   * The processing tier the client asks for: its body's (see {@link ClientBodyFacts}), else the
   * request's `service_tier`, else `fast` for a chat request's `speed: "fast"` (Claude's fast mode).
   */
  get requestedServiceTier(): string | undefined {
    return this.#facts.serviceTier ?? requestedServiceTier(this.#request as { service_tier?: unknown; speed?: unknown });
  }

  /**
   * Bounds the web searches the client's request leaves unbounded at `limit`, in its own wire format
   * (`max_tool_calls`, a search tool's `max_uses`); `webSearchLimit` then says how many it may run. Does
   * nothing when they are bounded or the wire cannot bound them.
   */
  boundWebSearches(limit: number): void {
    const body = this.#clientBody;
    if (body === undefined || this.#boundWebSearches === undefined || this.#facts.webSearchLimit !== Infinity) return;
    const bounded = this.#boundWebSearches(body, limit);
    if (bounded === undefined) return;
    // A field the client set (its `tools`): the bytes are re-encoded with the new value rather than spliced.
    if (Object.keys(bounded.fields).some((name) => (body as Record<string, unknown>)[name] !== undefined)) this.#overridesClientFields = true;
    this.#wireFields = { ...this.#wireFields, ...bounded.fields };
    this.#facts = { ...this.#facts, webSearchLimit: bounded.webSearchLimit };
    this.#splicedBody = undefined;
  }

  replaceRequest(next: ModelRequest): void {
    this.#request = next;
    this.#requestReplaced = true;
  }

  addRequestFields(fields: Readonly<Record<string, unknown>>): void {
    const request = this.#request as unknown as Record<string, unknown>;
    // A field the client set too: its bytes are re-encoded with the new value (once, when read) rather than spliced.
    if (Object.keys(fields).some((name) => request[name] !== undefined)) this.#overridesClientFields = true;
    this.#request = { ...this.#request, ...fields } as ModelRequest;
    this.#addedFields = { ...this.#addedFields, ...fields };
    this.#splicedBody = undefined;
  }

  /** Aborted when the client disconnects, or when a hook cancels the request (see `makeCancellable`). */
  get signal(): AbortSignal {
    return this.#signal;
  }

  makeCancellable(): (reason: GatewayError) => void {
    const canceller = new AbortController();
    this.#signal = AbortSignal.any([this.#signal, canceller.signal]);
    return (reason) => canceller.abort(reason);
  }

  get guardrails(): readonly string[] {
    return this.#guardrails ?? [];
  }

  get answerPrivate(): boolean {
    return this.#answerPrivate;
  }

  markAnswerPrivate(): void {
    this.#answerPrivate = true;
  }

  leaveAnswerUnread(reader: PluginApi): void {
    (this.#answerUnreadBy ??= new Set()).add(reader);
  }

  /** Whether every plugin of `readers` left this request's answer unread (never, when they are not known). */
  answerUnreadByAll(readers: ReadonlySet<object> | undefined): boolean {
    const unreadBy = this.#answerUnreadBy;
    if (readers === undefined || unreadBy === undefined) return false;
    for (const reader of readers) if (!unreadBy.has(reader)) return false;
    return true;
  }

  noteGuardrail(name: string): void {
    const guardrails = (this.#guardrails ??= []);
    if (guardrails.includes(name)) return;
    guardrails.push(name);
    this.setResponseHeader('x-tollgate-guardrails', guardrails.join(', '));
  }

  get upstreamHeaders(): Readonly<Record<string, string>> | undefined {
    return this.#upstreamHeaders;
  }

  setUpstreamHeader(name: string, value: string): void {
    (this.#upstreamHeaders ??= {})[name] = value;
  }

  get responseHeaders(): Readonly<Record<string, string>> | undefined {
    return this.#responseHeaders;
  }

  setResponseHeader(name: string, value: string): void {
    (this.#responseHeaders ??= {})[name] = value;
  }

  get<K extends keyof ContextVariableMap>(key: K): ContextVariableMap[K] | undefined {
    return this.#variables?.get(key) as ContextVariableMap[K] | undefined;
  }

  set<K extends keyof ContextVariableMap>(key: K, value: ContextVariableMap[K]): void {
    (this.#variables ??= new Map()).set(key, value);
  }

  /** Marks the request finished (its answer decided); false when it already was, so it is finished once. */
  markFinished(): boolean {
    if (this.#finished) return false;
    this.#finished = true;
    return true;
  }

  /** This object under its public type. */
  asGatewayContext(): GatewayContext {
    return this as unknown as GatewayContext;
  }
}
