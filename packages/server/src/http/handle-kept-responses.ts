import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '@tollgate/core';
import type { ResponseKeeping } from '../ingress/openai-responses/response-keeping.js';
import { answerAuthenticated } from './answer-authenticated.js';
import type { HttpDependencies } from './http-dependencies.js';
import { pathOf } from './path-of.js';

/** Where a kept response's route begins: `GET|DELETE /v1/responses/{id}`. */
export const responseRoutePrefix = '/v1/responses/';

/** The response id in a `/v1/responses/{id}` or `/responses/{id}` URL. */
function responseIdOf(url: string): string {
  const path = pathOf(url);
  return decodeURIComponent(path.slice(path.indexOf('/responses/') + '/responses/'.length));
}

function notKept(id: string): GatewayError {
  return new GatewayError('TOLLGATE_RESPONSE_NOT_FOUND', `Response with id '${id}' not found.`, { param: 'response_id' });
}

/**
 * The routes of the responses the gateway keeps (see {@link ResponseKeeping}), as OpenAI's Responses
 * API serves its own: `get` — `GET /v1/responses/{id}`, the response object; `delete` — `DELETE
 * /v1/responses/{id}`, forgets it (`{ id, object: "response", deleted: true }`). A response another key
 * made answers 404, as an unknown one does.
 */
export function createKeptResponsesHandlers(dependencies: HttpDependencies, keeping: ResponseKeeping) {
  return {
    get(req: IncomingMessage, res: ServerResponse): Promise<void> {
      return answerAuthenticated(req, res, dependencies, async (principal) => {
        const id = responseIdOf(req.url ?? '');
        return (await keeping.load(id, principal)) ?? Promise.reject(notKept(id));
      });
    },
    delete(req: IncomingMessage, res: ServerResponse): Promise<void> {
      return answerAuthenticated(req, res, dependencies, async (principal) => {
        const id = responseIdOf(req.url ?? '');
        if (!(await keeping.delete(id, principal))) throw notKept(id);
        return { id, object: 'response', deleted: true };
      });
    },
  };
}
