import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/**
 * `POST /v1/rerank` (also `/v2/rerank`, where Cohere's SDKs post): ranks documents by relevance to a
 * query, in the shape Cohere's v2, Jina's and vLLM's rerank APIs share. Same auth, routing, budgets,
 * guardrails and logs as the other routes; the body goes to the target's `/rerank` as sent and the
 * answer comes back as the upstream wrote it.
 */
export function createRerankHandler(dependencies: HttpDependencies) {
  return async function handleRerank(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      context = ingress.createContext('rerank', await readJsonBody(req, dependencies.bodyLimit));
      const result = await dependencies.gateway.engine.handleRerank(context);
      const payload = result.body ?? JSON.stringify(result.response);
      res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
