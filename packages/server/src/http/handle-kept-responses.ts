import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '@tollgate/core';
import type { ResponseKeeping } from '../ingress/openai-responses/response-keeping.js';
import { answerAuthenticated } from './answer-authenticated.js';
import type { HttpDependencies } from './http-dependencies.js';
import { pathOf } from './path-of.js';

/** Where a kept response's route begins: `GET|DELETE /v1/responses/{id}`. */
export const responseRoutePrefix = '/v1/responses/';

/** The last segment of an input items list's URL. */
const inputItemsSuffix = '/input_items';

/** The response id in a `/v1/responses/{id}` (or `…/{id}/input_items`) URL, with or without `/v1`. */
function responseIdOf(url: string): string {
  const path = pathOf(url);
  const rest = path.slice(path.indexOf('/responses/') + '/responses/'.length);
  return decodeURIComponent(rest.endsWith(inputItemsSuffix) ? rest.slice(0, -inputItemsSuffix.length) : rest);
}

/**
 * A page of items as OpenAI's list endpoints answer it: `limit` (1–100, default 20), `order` (`desc` by
 * default, newest first), `after` (the id of the item to list after).
 */
function pageOf(items: readonly Record<string, unknown>[], query: URLSearchParams): Record<string, unknown> {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new GatewayError('TOLLGATE_INVALID_REQUEST', '`limit` must be an integer from 1 to 100.', { param: 'limit' });
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new GatewayError('TOLLGATE_INVALID_REQUEST', '`order` must be `asc` or `desc`.', { param: 'order' });
  const ordered = order === 'asc' ? items : [...items].reverse();
  const after = query.get('after');
  const start = after === null ? 0 : ordered.findIndex((item) => item.id === after) + 1;
  const data = ordered.slice(start, start + limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < ordered.length };
}

function notKept(id: string): GatewayError {
  return new GatewayError('TOLLGATE_RESPONSE_NOT_FOUND', `Response with id '${id}' not found.`, { param: 'response_id' });
}

/**
 * The routes of the responses the gateway keeps (see {@link ResponseKeeping}), as OpenAI's Responses
 * API serves its own: `get` — `GET /v1/responses/{id}`, the response object, and `GET
 * /v1/responses/{id}/input_items`, the items it was made from (a page of them); `delete` — `DELETE
 * /v1/responses/{id}`, forgets it (`{ id, object: "response", deleted: true }`). A response another key
 * made answers 404, as an unknown one does.
 */
export function createKeptResponsesHandlers(dependencies: HttpDependencies, keeping: ResponseKeeping) {
  return {
    get(req: IncomingMessage, res: ServerResponse): Promise<void> {
      return answerAuthenticated(req, res, dependencies, async (principal) => {
        const url = req.url ?? '';
        const id = responseIdOf(url);
        if (pathOf(url).endsWith(inputItemsSuffix)) {
          const items = await keeping.inputItems(id, principal);
          if (items === undefined) throw notKept(id);
          return pageOf(items, new URL(url, 'http://localhost').searchParams);
        }
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
