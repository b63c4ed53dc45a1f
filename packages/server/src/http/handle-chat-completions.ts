import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionChunk, RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';
import { takeFallbackModels } from './take-fallback-models.js';
import { writeSse } from './write-sse.js';

const encodeChunk = (chunk: ChatCompletionChunk) => `data: ${JSON.stringify(chunk)}\n\n`;
const passBytes = (bytes: Uint8Array) => bytes;

/** `POST /v1/chat/completions`: OpenAI's chat completions, JSON or SSE; the fallback models a client names (OpenRouter's `models`, LiteLLM's `fallbacks`) tried after its model. */
export function createChatCompletionsHandler(dependencies: HttpDependencies) {
  return async function handleChatCompletions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      context = ingress.createContext('chat', takeFallbackModels(await readJsonBody(req, dependencies.bodyLimit)));
      const result = await dependencies.gateway.engine.handleChat(context);
      const headers = gatewayHeaders(context.asGatewayContext());
      if (result.type === 'response') {
        const payload = result.body ?? JSON.stringify(result.response);
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
        res.writeHead(200, headers);
        res.end(payload);
      } else if (result.type === 'chunks') {
        await writeSse(res, result.chunks, encodeChunk, { signal: ingress.signal, trailer: 'data: [DONE]\n\n', headers });
      } else {
        await writeSse(res, result.body, passBytes, { signal: ingress.signal, headers });
      }
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
