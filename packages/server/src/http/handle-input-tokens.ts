import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, type RequestContext } from '@tollgate/core';
import { convertResponsesRequest, storedResponsesInput } from '../ingress/openai-responses/convert-responses-request.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/**
 * `POST /v1/responses/input_tokens`: OpenAI's input token count of a Responses request
 * (`client.responses.inputTokens.count`), answered by the first target of the model's route that can
 * count (OpenAI's own API, Anthropic, Gemini, Bedrock, vLLM's tokenizer), as OpenAI answers it:
 * `{ object: "response.input_tokens", input_tokens }`. A conversation stored elsewhere
 * (`previous_response_id`, `conversation`, an `item_reference`) cannot be counted from the request
 * and is refused (400, `param` naming it).
 */
export function createInputTokensHandler(dependencies: HttpDependencies) {
  return async function handleInputTokens(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, 'openai-responses');
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      const stored = storedResponsesInput(body.value);
      if (stored !== undefined) {
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', `\`${stored.startsWith('input[') ? 'item_reference' : stored}\` refers to input stored elsewhere, which cannot be counted from the request. Send the whole conversation in \`input\`.`, { param: stored });
      }
      context = ingress.createContext('chat', body, { decode: (value) => convertResponsesRequest(value as Record<string, unknown>) });
      const { inputTokens } = await dependencies.gateway.engine.countTokens(context);
      ingress.sendJson(200, { object: 'response.input_tokens', input_tokens: inputTokens });
    } catch (error) {
      ingress.fail(error, undefined);
    }
  };
}
