import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, RequestContext, toGatewayError, type ChatCompletionRequest, type EmbeddingRequest, type WireFormat } from '@tollgate/core';
import { extractCredential } from './extract-credential.js';
import type { HttpDependencies } from './http-dependencies.js';
import { requestIdFrom } from './request-id.js';
import { sendError } from './send-error.js';
import { sendJson } from './send-json.js';

/** A request as the ingress tracks it, from arrival to the end of its answer. */
export interface IngressRequest {
  readonly requestId: string;
  readonly receivedAt: number;
  /** Aborted when the client disconnects before the answer ended. */
  readonly signal: AbortSignal;
  /**
   * The engine's context for this request: its id, the client's headers, credential and abort signal,
   * and the parsed body (validated by the engine, after auth) with its bytes for the passthrough path.
   */
  createContext(
    operation: 'chat' | 'embeddings',
    body: { readonly value: unknown; readonly raw: Uint8Array | undefined },
    decode?: (body: unknown) => ChatCompletionRequest | EmbeddingRequest,
  ): RequestContext;
  /** Answers with a JSON body, carrying the request id. */
  sendJson(status: number, body: unknown): void;
  /** Answers with an error (OpenAI shape), logging it when the engine did not. */
  fail(error: unknown, context: RequestContext | undefined): void;
}

/**
 * Begins handling a request in a client wire format (which sets its error shape): assigns its id (honoring `x-request-id`), ties an abort signal to the
 * client's connection, counts it for draining, and refuses it while the server drains.
 */
export function startRequest(req: IncomingMessage, res: ServerResponse, dependencies: HttpDependencies, wire: WireFormat = 'openai'): IngressRequest | undefined {
  const receivedAt = performance.now();
  const requestId = requestIdFrom(req.headers['x-request-id']);
  // Not set here with `setHeader`: answers carry it in their `writeHead` headers, which keeps Node on
  // its fast path (a header set earlier makes `writeHead` merge every header through `setHeader`).
  const controller = new AbortController();
  const ended = dependencies.tracker.start();
  res.on('close', () => {
    ended();
    if (!res.writableFinished) controller.abort();
  });
  const ingress: IngressRequest = {
    requestId,
    receivedAt,
    signal: controller.signal,
    createContext(operation, body, decode) {
      const credential = extractCredential(req.headers);
      return new RequestContext({
        requestId,
        operation,
        ingress: wire,
        request: body.value as ChatCompletionRequest | EmbeddingRequest,
        ...(body.raw === undefined ? {} : { rawBody: body.raw }),
        headers: req.headers,
        ...(credential === undefined ? {} : { credential }),
        signal: controller.signal,
        receivedAt,
        ...(decode === undefined ? {} : { decode }),
      });
    },
    sendJson(status, body) {
      sendJson(res, status, body, { 'x-request-id': requestId });
    },
    fail(error, context) {
      const failure = toGatewayError(error);
      if (context === undefined && dependencies.logRequests) {
        const durationMs = Math.round((performance.now() - receivedAt) * 100) / 100;
        dependencies.logger.info({ requestId, status: failure.status, path: req.url, errorCode: failure.code, durationMs }, 'request');
      }
      if (res.headersSent) res.destroy();
      else sendError(res, failure, wire, { ...context?.responseHeaders, 'x-request-id': requestId });
    },
  };
  if (dependencies.tracker.draining) {
    ingress.fail(new GatewayError('TOLLGATE_SHUTTING_DOWN', 'This gateway instance is shutting down and takes no new requests. Retry; another instance will answer.'), undefined);
    return undefined;
  }
  return ingress;
}
