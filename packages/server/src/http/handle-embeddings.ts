import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/** `POST /v1/embeddings`: OpenAI's embeddings. */
export function createEmbeddingsHandler(dependencies: HttpDependencies) {
  return async function handleEmbeddings(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      context = ingress.createContext('embeddings', await readJsonBody(req, dependencies.bodyLimit));
      const result = await dependencies.gateway.engine.handleEmbeddings(context);
      const payload = result.body ?? JSON.stringify(result.response);
      res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
