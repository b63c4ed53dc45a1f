import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionChunk, RequestContext } from '@tollgate/core';
import { boundMessagesWebSearches, convertMessagesRequest, encodeMessagesFields, inspectMessagesBody } from '../ingress/anthropic/convert-messages-request.js';
import { mapMessagesTexts } from '../ingress/anthropic/map-messages-texts.js';
import { MessagesStreamEncoder } from '../ingress/anthropic/messages-stream-encoder.js';
import { toMessagesError } from '../ingress/anthropic/to-messages-error.js';
import { toMessagesResponse } from '../ingress/anthropic/to-messages-response.js';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest, type WireTranslation } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/** A Messages body as the canonical chat request, what hooks and target params set in it under the Messages API's names, what only Anthropic runs, the web searches it may bill and how to bound them, and its texts for a guardrail to rewrite. */
const messagesTranslation: WireTranslation = {
  decode: (value) => convertMessagesRequest(value as Record<string, unknown>),
  encodeAddedFields: encodeMessagesFields,
  inspect: inspectMessagesBody,
  boundWebSearches: boundMessagesWebSearches,
  mapClientTexts: mapMessagesTexts,
};

const encodeError = (error: Parameters<typeof toMessagesError>[0]) => `event: error\ndata: ${JSON.stringify(toMessagesError(error))}\n\n`;

/**
 * `POST /v1/messages`: Anthropic's Messages API, for Anthropic clients (Claude Code, the Anthropic
 * SDKs). Same auth, routing, budgets and logs as the OpenAI routes. To an Anthropic target the body and
 * the answer pass through as bytes; to any other target both directions are translated, streams
 * included. Errors use Anthropic's shape.
 */
export function createMessagesHandler(dependencies: HttpDependencies) {
  return async function handleMessages(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, 'anthropic');
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      // Translated by the engine after auth, like any request's validation.
      context = ingress.createContext('chat', body, messagesTranslation);
      const result = await dependencies.gateway.engine.handleChat(context);
      const headers = gatewayHeaders(context.asGatewayContext());
      if (result.type === 'response') {
        const payload = result.body ?? JSON.stringify(toMessagesResponse(result.response));
        res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      } else if (result.type === 'chunks') {
        const encoder = new MessagesStreamEncoder();
        await writeSse(res, result.chunks, (chunk: ChatCompletionChunk) => encoder.encode(chunk), { signal: ingress.signal, trailer: () => encoder.finish(), encodeError, headers });
      } else {
        await writeSse(res, result.body, passBytes, { signal: ingress.signal, encodeError, headers });
      }
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
