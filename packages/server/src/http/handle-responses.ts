import type { HttpDependencies } from './http-dependencies.js';
import { boundResponsesWebSearches, convertResponsesRequest, encodeResponsesFields, inspectResponsesBody } from '../ingress/openai-responses/convert-responses-request.js';
import { mapResponsesTexts } from '../ingress/openai-responses/map-responses-texts.js';
import { responsesErrorEvent } from '../ingress/openai-responses/responses-error-event.js';
import { ResponsesStreamEncoder } from '../ingress/openai-responses/responses-stream-encoder.js';
import { toResponsesResponse } from '../ingress/openai-responses/to-responses-response.js';
import { createTranslatedIngressHandler } from './handle-translated-ingress.js';

/**
 * `POST /v1/responses`: OpenAI's Responses API, for Codex, the OpenAI Agents SDK and `client.responses`
 * callers. Same auth, routing, budgets, guardrails and logs as the chat route. To a target that serves
 * the Responses API itself (OpenAI's own) the body and the answer pass through as bytes; to any other
 * the request is translated to a chat request and the answer back, streams included. Stateless: the
 * whole conversation comes in `input` (see {@link convertResponsesRequest}). Errors use OpenAI's shape.
 */
export function createResponsesHandler(dependencies: HttpDependencies) {
  return createTranslatedIngressHandler(dependencies, {
    wire: 'openai-responses',
    // A Responses body as the canonical chat request, what hooks add to it under the Responses API's names, what only OpenAI runs or stores, the web searches it may bill and how to bound them, and its texts for a guardrail to rewrite.
    translation: {
      decode: (value) => convertResponsesRequest(value as Record<string, unknown>),
      encodeAddedFields: encodeResponsesFields,
      inspect: inspectResponsesBody,
      boundWebSearches: boundResponsesWebSearches,
      mapClientTexts: mapResponsesTexts,
    },
    encodeResponse: (response, request) => JSON.stringify(toResponsesResponse(response, request)),
    streamEncoder: (request) => {
      const encoder = new ResponsesStreamEncoder(request);
      return { encode: (chunk) => encoder.encode(chunk), trailer: () => encoder.finish(), encodeError: (error) => encoder.fail(error) };
    },
    encodeError: responsesErrorEvent,
  });
}
