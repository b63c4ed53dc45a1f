import type { GatewayError } from '../errors/gateway-error.js';
import type { ProviderError } from '../errors/provider-error.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';

/** The least output a fitted limit must leave room for, unless the request asked for less. */
const leastUsefulOutput = 1_024;

/**
 * The output limit to send a chat request again with, after its upstream refused the request's as more
 * than it takes and said what it would (`ProviderError.outputLimit`: the model's most output tokens,
 * or what its context window leaves past the prompt) — under the request's own field for it
 * (`max_completion_tokens` or `max_tokens`). Undefined when the refusal names no such limit, the
 * request already asked for no more, or the room left is too small for an answer (1,024 tokens, or
 * all the request asked for).
 */
export function fittedOutputLimit(request: ChatCompletionRequest, failure: GatewayError): Readonly<Record<string, number>> | undefined {
  const largest = (failure as Partial<ProviderError>).outputLimit;
  if (largest === undefined) return undefined;
  const field = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const asked = request[field] ?? undefined;
  if (asked !== undefined && largest >= asked) return undefined;
  if (largest < Math.min(asked ?? Number.POSITIVE_INFINITY, leastUsefulOutput)) return undefined;
  return { [field]: largest };
}
