import { GatewayError, type ClientBodyFacts } from '@tollgate/core';
import { convertResponsesRequest, encodeResponsesFields, storedResponsesInput } from '../ingress/openai-responses/convert-responses-request.js';
import { mapResponsesTexts } from '../ingress/openai-responses/map-responses-texts.js';
import { responsesErrorEvent } from '../ingress/openai-responses/responses-error-event.js';
import { ResponsesStreamEncoder } from '../ingress/openai-responses/responses-stream-encoder.js';
import { createTranslatedIngressHandler } from './handle-translated-ingress.js';
import type { HttpDependencies } from './http-dependencies.js';

/** Compaction's 400 for a target that does not serve OpenAI's Responses API: its answer is OpenAI's own, encrypted. */
const onlyOpenAI = new GatewayError(
  'TOLLGATE_INVALID_REQUEST',
  "Compacting a conversation (`/v1/responses/compact`) needs OpenAI's Responses API (OpenAI's own, or Azure's v1 API), sent the request as it came: its compaction item is OpenAI's, encrypted. Route the model to one.",
  { param: 'model' },
);

/** What a compaction request says the canonical request does not: only OpenAI can answer it, and input OpenAI stores (`previous_response_id`) cannot be counted. */
function inspectCompactBody(body: unknown): ClientBodyFacts {
  const storedInput = storedResponsesInput(body);
  return { untranslatable: onlyOpenAI, ...(storedInput === undefined ? {} : { storedInput }) };
}

/**
 * What a hook added to the request, for the compaction body: it has no output limit (a budget's
 * `max_tokens` is held, not sent: the compaction pass sets its own length), and the Responses API's
 * names for the rest.
 */
function encodeCompactFields(fields: Readonly<Record<string, unknown>>, clientBody?: unknown): Record<string, unknown> | undefined {
  const { max_tokens: _maxTokens, max_completion_tokens: _maxCompletionTokens, ...rest } = fields;
  return encodeResponsesFields(rest, clientBody);
}

/**
 * `POST /v1/responses/compact`: OpenAI's compaction of a long conversation (Codex calls it when it
 * compacts), with the same auth, routing, budgets, guardrails on the input, ledger and logs as the
 * Responses route. Only a target that serves OpenAI's Responses API can answer: the body goes there as
 * the client's bytes (the routed model in place of the alias) and the answer comes back as the
 * upstream's, its usage recorded; any other target is refused with a 400 before a call. A budget holds
 * the input counted and `defaultMaxTokens` of output: the compaction endpoint takes no output limit.
 */
export function createResponsesCompactHandler(dependencies: HttpDependencies) {
  return createTranslatedIngressHandler(dependencies, {
    wire: 'openai-responses-compact',
    translation: { decode: (value) => convertResponsesRequest(value as Record<string, unknown>), encodeAddedFields: encodeCompactFields, inspect: inspectCompactBody, mapClientTexts: mapResponsesTexts },
    // The answer passes through as bytes; a canonical one has no compaction item to encode.
    encodeResponse: () => {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', 'The compacted conversation could not be passed on as OpenAI sent it.');
    },
    streamEncoder: (request) => {
      const encoder = new ResponsesStreamEncoder(request, undefined);
      return { encode: (chunk) => encoder.encode(chunk), trailer: () => encoder.finish(), encodeError: (error) => encoder.fail(error) };
    },
    encodeError: responsesErrorEvent,
  });
}
