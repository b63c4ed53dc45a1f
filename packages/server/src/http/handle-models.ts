import type { IncomingMessage, ServerResponse } from 'node:http';
import { roundMs } from '@tollgate/core';
import type { HttpDependencies } from './http-dependencies.js';
import { startRequest } from './start-request.js';

/** `GET /v1/models`: the model names the caller's key may use, in OpenAI's list shape. */
export function createModelsHandler(dependencies: HttpDependencies) {
  const created = Math.floor(Date.now() / 1000);
  return async function handleModels(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    try {
      const context = ingress.createContext('chat', { value: { model: '', messages: [] }, raw: undefined });
      const principal = await dependencies.gateway.engine.authenticate(context);
      const data = dependencies.gateway.engine.listModels(principal).map((id) => ({ id, object: 'model', created, owned_by: 'tollgate' }));
      ingress.sendJson(200, { object: 'list', data });
      if (dependencies.logRequests) {
        dependencies.logger.info({ requestId: ingress.requestId, status: 200, path: '/v1/models', keyName: principal.keyName, durationMs: roundMs(performance.now() - ingress.receivedAt) }, 'request');
      }
    } catch (error) {
      ingress.fail(error, undefined);
    }
  };
}
