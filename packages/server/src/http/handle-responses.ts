import { randomUUID } from 'node:crypto';
import { ResponseStore, type Principal, type StreamSummary } from '@tollgate/core';
import type { HttpDependencies } from './http-dependencies.js';
import { boundResponsesWebSearches, convertResponsesRequest, encodeResponsesFields, inspectResponsesBody } from '../ingress/openai-responses/convert-responses-request.js';
import { mapResponsesTexts } from '../ingress/openai-responses/map-responses-texts.js';
import { ResponseKeeping } from '../ingress/openai-responses/response-keeping.js';
import { responsesErrorEvent } from '../ingress/openai-responses/responses-error-event.js';
import { ResponsesStreamEncoder } from '../ingress/openai-responses/responses-stream-encoder.js';
import { toResponsesResponse } from '../ingress/openai-responses/to-responses-response.js';
import { createTranslatedIngressHandler } from './handle-translated-ingress.js';

/** The gateway's keeping of Responses API turns, when a plugin provides a `ResponseStore` (the SQLite ledger does). */
export function responseKeepingOf(dependencies: HttpDependencies): ResponseKeeping | undefined {
  const store = dependencies.gateway.resolve(ResponseStore);
  return store === undefined ? undefined : new ResponseKeeping(store, dependencies.logger);
}

/**
 * `POST /v1/responses`: OpenAI's Responses API, for Codex, the OpenAI Agents SDK and `client.responses`
 * callers. Same auth, routing, budgets, guardrails and logs as the chat route. To a target that serves
 * the Responses API itself (OpenAI's own) the body and the answer pass through as bytes; to any other
 * the request is translated to a chat request and the answer back, streams included. With a
 * `ResponseStore`, the turns it answers are kept (unless `store: false`) and `previous_response_id`
 * continues them on any model (see {@link ResponseKeeping}); else the whole conversation comes in
 * `input` (see {@link convertResponsesRequest}). Errors use OpenAI's shape.
 */
export function createResponsesHandler(dependencies: HttpDependencies, keeping = responseKeepingOf(dependencies)) {
  // A kept response's ids are the gateway's own: an upstream's answer ids need not be unique (a mock's, some servers').
  const kept = (request: Readonly<Record<string, unknown>>) => (keeping !== undefined && request.store !== false ? { keptId: randomUUID().replaceAll('-', '') } : undefined);
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
    prepare: keeping === undefined ? undefined : async (body, authenticate) => {
      if (typeof (body.value as { previous_response_id?: unknown }).previous_response_id !== 'string') return undefined;
      return keeping.expand(body, await authenticate());
    },
    encodeResponse: async (response, request, context) => {
      const keptAs = kept(request);
      const object = toResponsesResponse(response, request, keptAs);
      if (keptAs !== undefined) await keeping!.keep(request, object, context.principal);
      return JSON.stringify(object);
    },
    streamEncoder: (request, context) => {
      const keptAs = kept(request);
      const encoder = new ResponsesStreamEncoder(request, keptAs);
      const trailer = keptAs !== undefined
        ? async () => {
            const events = encoder.finish();
            await keeping!.keep(request, encoder.finished!, context.principal);
            return events;
          }
        : () => encoder.finish();
      return { encode: (chunk) => encoder.encode(chunk), trailer, encodeError: (error) => encoder.fail(error) };
    },
    // OpenAI's own answer, kept too, so the conversation may go on on another model (a fallback).
    passedThrough: keeping === undefined ? undefined : async (bytes, request, context) => {
      let object: Record<string, unknown> | undefined;
      try {
        object = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
      } catch {
        return; // not a response to keep; the client gets the bytes as they came
      }
      if (object?.object === 'response') await keeping.keep(request, object, context.principal);
    },
    // A streamed one too: its final response (as the upstream's tap read it) is kept before the event that carries it is written.
    passedThroughStream: keeping === undefined ? undefined : (bytes, summary, request, context) => (request.store === false ? bytes : keepingFinalResponse(bytes, summary, request, context.principal, keeping)),
    encodeError: responsesErrorEvent,
  });
}

/**
 * A passed-through Responses stream's bytes as they come; once the upstream's tap has read its final
 * response (`summary.answer`, set as the chunk carrying it goes by), the response is kept before that
 * chunk goes on to the client.
 */
async function* keepingFinalResponse(bytes: AsyncIterableIterator<Uint8Array>, summary: StreamSummary, request: Readonly<Record<string, unknown>>, principal: Principal | undefined, keeping: ResponseKeeping): AsyncIterableIterator<Uint8Array> {
  let kept = false;
  for await (const chunk of bytes) {
    if (!kept && summary.answer !== undefined) {
      kept = true;
      await keeping.keep(request, summary.answer, principal);
    }
    yield chunk;
  }
}
