import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { encodeCompletionsChunk } from '../ingress/openai-completions/completions-stream-encoder.js';
import { convertCompletionsRequest, encodeCompletionsFields, inspectCompletionsBody, type CompletionsRequestBody } from '../ingress/openai-completions/convert-completions-request.js';
import { mapCompletionsTexts } from '../ingress/openai-completions/map-completions-texts.js';
import { toCompletionsResponse } from '../ingress/openai-completions/to-completions-response.js';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest, type WireTranslation } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/** A legacy completions body as the canonical chat request, what hooks add to it under the legacy API's names, what only that API does, and its texts for a guardrail to rewrite. */
const completionsTranslation: WireTranslation = {
  decode: (value) => convertCompletionsRequest(value as CompletionsRequestBody),
  encodeAddedFields: encodeCompletionsFields,
  inspect: inspectCompletionsBody,
  mapClientTexts: mapCompletionsTexts,
};

/**
 * `POST /v1/completions`: OpenAI's legacy completions, for code completion (fill-in-the-middle with
 * `suffix`) and base models. Same auth, routing, budgets, guardrails and logs as the chat route. To a
 * target whose upstream serves the legacy API (vLLM, SGLang, Ollama, OpenRouter, OpenAI's instruct
 * models) the body and the answer pass through as bytes; to any other the prompt goes as a chat
 * request's user message and the answer comes back as a `text_completion`, streams included.
 */
export function createCompletionsHandler(dependencies: HttpDependencies) {
  return async function handleCompletions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, 'openai-completions');
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      // Translated by the engine after auth, like any request's validation.
      context = ingress.createContext('chat', body, completionsTranslation);
      const result = await dependencies.gateway.engine.handleChat(context);
      const headers = gatewayHeaders(context.asGatewayContext());
      if (result.type === 'response') {
        const payload = result.body ?? JSON.stringify(toCompletionsResponse(result.response));
        res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      } else if (result.type === 'chunks') {
        await writeSse(res, result.chunks, encodeCompletionsChunk, { signal: ingress.signal, trailer: 'data: [DONE]\n\n', headers });
      } else {
        // Passed through from an upstream that serves the legacy API itself.
        await writeSse(res, result.body, passBytes, { signal: ingress.signal, headers });
      }
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
