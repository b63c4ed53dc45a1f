import type { HttpDependencies } from './http-dependencies.js';
import { boundMessagesWebSearches, convertMessagesRequest, encodeMessagesFields, inspectMessagesBody } from '../ingress/anthropic/convert-messages-request.js';
import { mapMessagesTexts } from '../ingress/anthropic/map-messages-texts.js';
import { MessagesStreamEncoder } from '../ingress/anthropic/messages-stream-encoder.js';
import { toMessagesError } from '../ingress/anthropic/to-messages-error.js';
import { toMessagesResponse } from '../ingress/anthropic/to-messages-response.js';
import { createTranslatedIngressHandler } from './handle-translated-ingress.js';

const encodeError = (error: Parameters<typeof toMessagesError>[0]) => `event: error\ndata: ${JSON.stringify(toMessagesError(error))}\n\n`;

/**
 * `POST /v1/messages`: Anthropic's Messages API, for Anthropic clients (Claude Code, the Anthropic
 * SDKs). Same auth, routing, budgets and logs as the OpenAI routes. To an Anthropic target the body and
 * the answer pass through as bytes; to any other target both directions are translated, streams
 * included. Errors use Anthropic's shape.
 */
export function createMessagesHandler(dependencies: HttpDependencies) {
  return createTranslatedIngressHandler(dependencies, {
    wire: 'anthropic',
    // A Messages body as the canonical chat request, what hooks and target params set in it under the Messages API's names, what only Anthropic runs, the web searches it may bill and how to bound them, and its texts for a guardrail to rewrite.
    translation: {
      decode: (value) => convertMessagesRequest(value as Record<string, unknown>),
      encodeAddedFields: encodeMessagesFields,
      inspect: inspectMessagesBody,
      boundWebSearches: boundMessagesWebSearches,
      mapClientTexts: mapMessagesTexts,
    },
    encodeResponse: (response) => JSON.stringify(toMessagesResponse(response)),
    streamEncoder: () => {
      const encoder = new MessagesStreamEncoder();
      return { encode: (chunk) => encoder.encode(chunk), trailer: () => encoder.finish(), encodeError };
    },
    encodeError,
  });
}
