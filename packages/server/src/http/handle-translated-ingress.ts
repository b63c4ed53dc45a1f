import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionChunk, ChatCompletionResponse, GatewayError, Principal, RequestContext, StreamSummary, WireFormat } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest, type WireTranslation } from './start-request.js';
import { takeFallbackModels, type BodyWithFallbacks } from './take-fallback-models.js';
import { writeSse } from './write-sse.js';

/** A client's body in its own wire format, as the ingress read it. */
export type ClientBody = Readonly<Record<string, any>>;

/** How a translated stream is written in the client's wire: each chunk's events, what ends it, and an error event after the first byte (default OpenAI's). */
export interface IngressStreamEncoder {
  encode(chunk: ChatCompletionChunk): string;
  readonly trailer: string | (() => string | Promise<string>);
  readonly encodeError?: ((error: GatewayError) => string) | undefined;
}

/** A chat ingress of a wire format other than chat completions (the Messages, Responses and legacy completions APIs). */
export interface TranslatedIngress {
  readonly wire: WireFormat;
  /** How its body becomes the canonical request, and what it says the canonical request does not. */
  readonly translation: WireTranslation;
  /**
   * The body to make the request with in place of the client's, given who calls (the Responses API's
   * kept conversation before a `previous_response_id` request's input); undefined to keep the client's.
   * The encoders below still get the client's own body.
   */
  readonly prepare?: ((body: BodyWithFallbacks, authenticate: () => Promise<Principal>) => Promise<BodyWithFallbacks | undefined>) | undefined;
  /** A whole canonical answer as the body the client expects (the request made, for who made it). */
  encodeResponse(response: ChatCompletionResponse, request: ClientBody, context: RequestContext): string | Promise<string>;
  /** The encoder of a translated stream for this request. */
  streamEncoder(request: ClientBody, context: RequestContext): IngressStreamEncoder;
  /** Sees a whole answer passed through as the upstream's bytes before it is written (the Responses API keeps it). */
  readonly passedThrough?: ((bytes: Uint8Array, request: ClientBody, context: RequestContext) => Promise<void>) | undefined;
  /**
   * The bytes of a stream passed through, as the client gets them, with what the upstream's tap read
   * of them so far (the Responses API keeps the final response its `summary` holds before the chunk
   * that carried it is written).
   */
  readonly passedThroughStream?: ((bytes: AsyncIterableIterator<Uint8Array>, summary: StreamSummary, request: ClientBody, context: RequestContext) => AsyncIterableIterator<Uint8Array>) | undefined;
  /** The error event of a stream passed through as the upstream's bytes (default OpenAI's). */
  readonly encodeError?: ((error: GatewayError) => string) | undefined;
}

const passBytes = (bytes: Uint8Array) => bytes;

/**
 * The route handler of a {@link TranslatedIngress}: the body read (the fallback models a client names
 * taken out, as on the chat completions route) and decoded by the engine after auth (like any
 * request's validation), then the answer — the upstream's bytes where they pass through, else
 * the canonical answer or stream encoded in the client's wire. Errors in the client's shape.
 */
export function createTranslatedIngressHandler(dependencies: HttpDependencies, ingressWire: TranslatedIngress) {
  return async function handleTranslatedIngress(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, ingressWire.wire);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = takeFallbackModels(await readJsonBody(req, dependencies.bodyLimit));
      const request = body.value as ClientBody;
      const engine = dependencies.gateway.engine;
      const prepared = ingressWire.prepare === undefined ? undefined : await ingressWire.prepare(body, () => engine.authenticate(ingress.createContext('chat', body, ingressWire.translation)));
      context = ingress.createContext('chat', prepared ?? body, ingressWire.translation);
      const result = await engine.handleChat(context);
      const headers = gatewayHeaders(context.asGatewayContext());
      if (result.type === 'response') {
        if (result.body !== undefined && ingressWire.passedThrough !== undefined) await ingressWire.passedThrough(result.body, request, context);
        let payload = result.body ?? ingressWire.encodeResponse(result.response, request, context);
        if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) payload = await payload;
        res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      } else if (result.type === 'chunks') {
        const encoder = ingressWire.streamEncoder(request, context);
        await writeSse(res, result.chunks, (chunk: ChatCompletionChunk) => encoder.encode(chunk), { signal: ingress.signal, trailer: encoder.trailer, encodeError: encoder.encodeError, headers });
      } else {
        // Passed through from an upstream that serves the client's API itself.
        const bytes = ingressWire.passedThroughStream?.(result.body, result.summary, request, context) ?? result.body;
        await writeSse(res, bytes, passBytes, { signal: ingress.signal, encodeError: ingressWire.encodeError, headers });
      }
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
