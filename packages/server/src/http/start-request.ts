import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, RequestContext, roundMs, toGatewayError, type ModelRequest, type Operation, type RequestContextInit, type WireFormat } from '@tollgate/core';
import { extractCredential } from './extract-credential.js';
import type { HttpDependencies } from './http-dependencies.js';
import { requestIdFrom } from './request-id.js';
import { sendError } from './send-error.js';
import { sendJson } from './send-json.js';

/** How an ingress whose wire format is not the canonical one (Anthropic's, the Responses API's) reads its body. */
export type WireTranslation = Required<Pick<RequestContextInit, 'decode'>> & Pick<RequestContextInit, 'encodeAddedFields' | 'inspect' | 'boundWebSearches' | 'mapClientTexts'>;

/** A request as the ingress tracks it, from arrival to the end of its answer. */
export interface IngressRequest {
  readonly requestId: string;
  readonly receivedAt: number;
  /** Aborted when the client disconnects before the answer ended. */
  readonly signal: AbortSignal;
  /**
   * The engine's context for this request: its id, the client's headers, credential and abort signal,
   * and the parsed body (validated by the engine, after auth) with its bytes for the passthrough path;
   * `translation` for a body in another wire format than the canonical one.
   */
  createContext(operation: Operation, body: { readonly value: unknown; readonly raw: Uint8Array | undefined; readonly fallbackModels?: readonly string[] }, translation?: WireTranslation): RequestContext;
  /** Answers with a JSON body, carrying the request id. */
  sendJson(status: number, body: unknown): void;
  /** Answers with an error (OpenAI shape), logging it when the engine did not. */
  fail(error: unknown, context: RequestContext | undefined): void;
}

/**
 * The ingress side of one request: its methods live on the prototype, so a request costs this object,
 * its abort controller and one `close` listener, not a closure per method.
 */
class HttpIngressRequest implements IngressRequest {
  readonly requestId: string;
  readonly receivedAt: number;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #dependencies: HttpDependencies;
  readonly #wire: WireFormat;
  readonly #controller = new AbortController();
  #tracked = true;

  constructor(req: IncomingMessage, res: ServerResponse, dependencies: HttpDependencies, wire: WireFormat) {
    this.receivedAt = performance.now();
    // Not set on the response with `setHeader`: answers carry it in their `writeHead` headers, which keeps
    // Node on its fast path (a header set earlier makes `writeHead` merge every header through `setHeader`).
    this.requestId = requestIdFrom(req.headers['x-request-id']);
    this.#req = req;
    this.#res = res;
    this.#dependencies = dependencies;
    this.#wire = wire;
    dependencies.tracker.start();
    res.on('close', () => this.#closed());
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  createContext(operation: Operation, body: { readonly value: unknown; readonly raw: Uint8Array | undefined; readonly fallbackModels?: readonly string[] }, translation?: WireTranslation): RequestContext {
    const credential = extractCredential(this.#req.headers);
    return new RequestContext({
      requestId: this.requestId,
      operation,
      ingress: this.#wire,
      request: body.value as ModelRequest,
      ...(body.raw === undefined ? {} : { rawBody: body.raw }),
      ...(body.fallbackModels === undefined ? {} : { fallbackModels: body.fallbackModels }),
      headers: this.#req.headers,
      ...(credential === undefined ? {} : { credential }),
      signal: this.#controller.signal,
      receivedAt: this.receivedAt,
      ...(translation === undefined ? {} : translation),
    });
  }

  sendJson(status: number, body: unknown): void {
    sendJson(this.#res, status, body, { 'x-request-id': this.requestId });
  }

  fail(error: unknown, context: RequestContext | undefined): void {
    const failure = toGatewayError(error);
    const dependencies = this.#dependencies;
    if (context === undefined && dependencies.logRequests) {
      const durationMs = roundMs(performance.now() - this.receivedAt);
      dependencies.logger.info({ requestId: this.requestId, status: failure.status, path: this.#req.url, errorCode: failure.code, durationMs }, 'request');
    }
    if (this.#res.headersSent) this.#res.destroy();
    else sendError(this.#res, failure, this.#wire, { ...context?.responseHeaders, 'x-request-id': this.requestId });
  }

  /** The connection closed: the request no longer counts for draining; aborted if its answer had not ended. */
  #closed(): void {
    if (this.#tracked) {
      this.#tracked = false;
      this.#dependencies.tracker.end();
    }
    if (!this.#res.writableFinished) this.#controller.abort();
  }
}

/**
 * Begins handling a request in a client wire format (which sets its error shape): assigns its id (honoring `x-request-id`), ties an abort signal to the
 * client's connection, counts it for draining, and refuses it while the server drains.
 */
export function startRequest(req: IncomingMessage, res: ServerResponse, dependencies: HttpDependencies, wire: WireFormat = 'openai'): IngressRequest | undefined {
  const ingress = new HttpIngressRequest(req, res, dependencies, wire);
  if (dependencies.tracker.draining) {
    ingress.fail(new GatewayError('TOLLGATE_SHUTTING_DOWN', 'This gateway instance is shutting down and takes no new requests. Retry; another instance will answer.'), undefined);
    return undefined;
  }
  return ingress;
}
