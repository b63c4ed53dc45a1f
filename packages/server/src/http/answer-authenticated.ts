import type { IncomingMessage, ServerResponse } from 'node:http';
import { roundMs, type Principal, type WireFormat } from '@tollgate/core';
import type { HttpDependencies } from './http-dependencies.js';
import { pathOf } from './path-of.js';
import { startRequest } from './start-request.js';

/**
 * Answers a request that carries no model call (`GET /v1/models`, `GET /v1/key`): authenticates it
 * as any request, answers with the JSON `answer` builds for the caller (errors in the `wire`
 * format's shape), and logs one line like any request.
 */
export async function answerAuthenticated(
  req: IncomingMessage,
  res: ServerResponse,
  dependencies: HttpDependencies,
  answer: (principal: Principal) => unknown,
  wire: WireFormat = 'openai',
): Promise<void> {
  const ingress = startRequest(req, res, dependencies, wire);
  if (ingress === undefined) return;
  try {
    const context = ingress.createContext('chat', { value: { model: '', messages: [] }, raw: undefined });
    const principal = await dependencies.gateway.engine.authenticate(context);
    ingress.sendJson(200, await answer(principal));
    if (dependencies.logRequests) {
      dependencies.logger.info({ requestId: ingress.requestId, status: 200, path: pathOf(req.url ?? '/'), keyName: principal.keyName, durationMs: roundMs(performance.now() - ingress.receivedAt) }, 'request');
    }
  } catch (error) {
    ingress.fail(error, undefined);
  }
}
