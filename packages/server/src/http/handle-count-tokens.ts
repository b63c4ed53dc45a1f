import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { convertMessagesRequest } from '../ingress/anthropic/convert-messages-request.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/**
 * `POST /v1/messages/count_tokens`: Anthropic's token counting, answered by the first target of the
 * model's route that can count (an Anthropic provider); other models get a 400 in Anthropic's shape.
 */
export function createCountTokensHandler(dependencies: HttpDependencies) {
  return async function handleCountTokens(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, 'anthropic');
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      // count_tokens bodies have no max_tokens; the translation wants one.
      context = ingress.createContext('chat', body, { decode: (value) => convertMessagesRequest({ max_tokens: 1, ...(value as Record<string, unknown>) }) });
      const { inputTokens } = await dependencies.gateway.engine.countTokens(context);
      ingress.sendJson(200, { input_tokens: inputTokens });
    } catch (error) {
      ingress.fail(error, undefined);
    }
  };
}
