import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/**
 * A route answered whole by one provider call: `POST /v1/embeddings` (OpenAI's embeddings),
 * `POST /v1/rerank` (also `/v2/rerank`, where Cohere's SDKs post: documents ranked by relevance to a
 * query, in the shape Cohere's v2, Jina's and vLLM's rerank APIs share), `POST
 * /v1/images/generations` (OpenAI's Images API; with `stream: true` its events relayed as they come)
 * or `POST /v1/moderations` (OpenAI's moderation API). Same auth, routing, budgets,
 * guardrails and logs as chat; the upstream's answer goes back as its bytes where no hook changed it.
 */
export function createWholeAnswerHandler(dependencies: HttpDependencies, operation: 'embeddings' | 'rerank' | 'images' | 'moderations') {
  const engine = dependencies.gateway.engine;
  const handlers = {
    embeddings: (context: RequestContext) => engine.handleEmbeddings(context),
    rerank: (context: RequestContext) => engine.handleRerank(context),
    images: (context: RequestContext) => engine.handleImages(context),
    moderations: (context: RequestContext) => engine.handleModerations(context),
  };
  const handle = handlers[operation];
  return async function handleWholeAnswer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      context = ingress.createContext(operation, body);
      if (operation === 'images' && (body.value as { stream?: unknown }).stream === true) {
        // GPT Image's partial images, relayed as they come.
        const stream = await engine.handleImagesStream(context);
        await writeSse(res, stream.body, passBytes, { signal: ingress.signal, headers: { ...gatewayHeaders(context.asGatewayContext()), 'content-type': stream.contentType } });
        return;
      }
      const result = await handle(context);
      const payload = result.body ?? JSON.stringify(result.response);
      res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
