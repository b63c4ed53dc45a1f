import { ProviderError, z } from '@tollgate/core';
import { outputLimitOfRefusal, parseRetryAfter, readErrorBody, type UpstreamErrorInput } from '@tollgate/provider-utils';

const anthropicErrorBodySchema = z.looseObject({
  type: z.literal('error').optional(),
  // Anthropic's errors name a type; Vertex AI's own (authentication, quota) are Google's, with a status.
  error: z.looseObject({ type: z.string().optional(), status: z.string().optional(), message: z.string() }),
});

/**
 * Turns an Anthropic error (`{"type":"error","error":{type,message}}`, as an answer or a stream
 * `error` event; on Vertex AI also Google's `{"error":{code,message,status}}`) into a {@link ProviderError}: the upstream's status (529 for `overloaded_error`, which
 * is retryable), its message without secrets, its type as the wire code — except a prompt that is too
 * long, which becomes `context_length_exceeded` so context-window fallbacks apply; and the output
 * limit Claude would take when it refused the request's (`max_tokens: 64000 > 32000, which is the
 * maximum allowed…`, `input length and \`max_tokens\` exceed context limit…`).
 */
export function toAnthropicProviderError(input: UpstreamErrorInput): ProviderError {
  const { text: bodyText, json } = readErrorBody(input.bodyText, input.secrets);
  const checked = anthropicErrorBodySchema.safeParse(json);
  const upstream = checked.success ? checked.data.error : undefined;
  const message = upstream?.message ?? (bodyText.trim().slice(0, 500) || 'no error message');
  const code = /prompt is too long|context window/i.test(message) ? 'context_length_exceeded' : (upstream?.type ?? upstream?.status?.toLowerCase());
  const credentials = input.status === 401 || input.status === 403 ? ` Check providers.${input.provider}.${input.credentialOption ?? 'apiKey'}.` : '';
  const retryAfterMs = parseRetryAfter(input.headers);
  const outputLimit = input.status === 400 ? outputLimitOfRefusal(message) : undefined;
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}: ${message}${credentials}`, {
    provider: input.provider,
    upstreamStatus: input.status,
    ...(code === undefined ? {} : { upstreamCode: code }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(outputLimit === undefined ? {} : { outputLimit }),
    redactedBody: bodyText,
  });
}
