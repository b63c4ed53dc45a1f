import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, type ChatCompletionRequest, type RequestContext, type WireFormat } from '@tollgate/core';
import { convertMessagesRequest } from '../ingress/anthropic/convert-messages-request.js';
import { convertResponsesRequest, storedResponsesInput } from '../ingress/openai-responses/convert-responses-request.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/** How a client's API asks for a request's input tokens: its wire format (errors in its shape), its body as a chat request, and its answer. */
export interface TokenCountingAPI {
  readonly wire: WireFormat;
  readonly decode: (body: unknown) => ChatCompletionRequest;
  readonly answer: (inputTokens: number) => unknown;
}

/** Anthropic's `POST /v1/messages/count_tokens` (Claude Code asks before it compacts). */
export const anthropicTokenCounting: TokenCountingAPI = {
  wire: 'anthropic',
  // count_tokens bodies have no max_tokens; the translation wants one.
  decode: (body) => convertMessagesRequest({ max_tokens: 1, ...(body as Record<string, unknown>) }),
  answer: (inputTokens) => ({ input_tokens: inputTokens }),
};

/**
 * OpenAI's `POST /v1/responses/input_tokens` (`client.responses.inputTokens.count`). A conversation
 * stored elsewhere (`previous_response_id`, `conversation`, an `item_reference`) cannot be counted from
 * the request: refused, 400 naming the field.
 */
export const responsesTokenCounting: TokenCountingAPI = {
  wire: 'openai-responses',
  decode: (body) => {
    const stored = storedResponsesInput(body);
    if (stored !== undefined) {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', `\`${stored.startsWith('input[') ? 'item_reference' : stored}\` refers to input stored elsewhere, which cannot be counted from the request. Send the whole conversation in \`input\`.`, { param: stored });
    }
    return convertResponsesRequest(body as Record<string, unknown>);
  },
  answer: (inputTokens) => ({ object: 'response.input_tokens', input_tokens: inputTokens }),
};

/**
 * A token-counting route of a client's API: after auth and routing, answered by the first target of the
 * model's route that can count (Anthropic, Gemini, Bedrock, OpenAI's own API, vLLM's tokenizer); other
 * models get a 400 in the API's error shape.
 */
export function createCountTokensHandler(dependencies: HttpDependencies, api: TokenCountingAPI) {
  return async function handleCountTokens(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies, api.wire);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      const body = await readJsonBody(req, dependencies.bodyLimit);
      context = ingress.createContext('chat', body, { decode: api.decode });
      const { inputTokens } = await dependencies.gateway.engine.countTokens(context);
      ingress.sendJson(200, api.answer(inputTokens));
    } catch (error) {
      ingress.fail(error, undefined);
    }
  };
}
