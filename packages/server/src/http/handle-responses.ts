import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionChunk, RequestContext } from '@tollgate/core';
import { boundResponsesWebSearches, convertResponsesRequest, encodeResponsesFields, inspectResponsesBody } from '../ingress/openai-responses/convert-responses-request.js';
import { mapResponsesTexts } from '../ingress/openai-responses/map-responses-texts.js';
import { responsesErrorEvent } from '../ingress/openai-responses/responses-error-event.js';
import { ResponsesStreamEncoder } from '../ingress/openai-responses/responses-stream-encoder.js';
import { toResponsesResponse, type ResponsesRequestBody } from '../ingress/openai-responses/to-responses-response.js';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest, type WireTranslation } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/** A Responses body as the canonical chat request, what hooks add to it under the Responses API's names, what only OpenAI runs or stores, the web searches it may bill and how to bound them, and its texts for a guardrail to rewrite. */
const responsesTranslation: WireTranslation = {
  decode: (value) => convertResponsesRequest(value as Record<string, unknown>),
  encodeAddedFields: encodeResponsesFields,
  inspect: inspectResponsesBody,
  boundWebSearches: boundResponsesWebSearches,
  mapClientTexts: mapResponsesTexts,
};

/**
 * `POST /v1/responses`: OpenAI's Responses API, for Codex, the OpenAI Agents SDK and `client.responses`
 * callers. Same auth, routing, budgets, guardrails and logs as the chat route. To a target that serves
 * the Responses API itself (OpenAI's own) the body and the answer pass through as bytes; to any other
 * the request is translated to a chat request and the answer back, streams included. Stateless: the
 * whole conversation comes in `input` (see {@link convertResponsesRequest}). Errors use OpenAI's shape.
 */
export function createResponsesHandler(dependencies: HttpDependencies) {
  return async function handleResponses(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, 'openai-responses');
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      const request = body.value as ResponsesRequestBody;
      // Translated by the engine after auth, like any request's validation.
      context = ingress.createContext('chat', body, responsesTranslation);
      const result = await dependencies.gateway.engine.handleChat(context);
      const headers = gatewayHeaders(context.asGatewayContext());
      if (result.type === 'response') {
        const payload = result.body ?? JSON.stringify(toResponsesResponse(result.response, request));
        res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      } else if (result.type === 'chunks') {
        const encoder = new ResponsesStreamEncoder(request);
        await writeSse(res, result.chunks, (chunk: ChatCompletionChunk) => encoder.encode(chunk), { signal: ingress.signal, trailer: () => encoder.finish(), encodeError: (error) => encoder.fail(error), headers });
      } else {
        // Passed through from an upstream that serves the Responses API itself.
        await writeSse(res, result.body, passBytes, { signal: ingress.signal, encodeError: (error) => responsesErrorEvent(error), headers });
      }
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
