import { ProviderError, z } from '@tollgate/core';
import { parseRetryAfter, readErrorBody, type UpstreamErrorInput } from '@tollgate/provider-utils';

const openRouterErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    metadata: z.looseObject({ reasons: z.array(z.string()).optional(), flagged_input: z.string().optional(), provider_name: z.string().nullish() }).nullish(),
  }),
});

/**
 * Turns an OpenRouter error (`{"error":{"code","message","metadata"}}`, as an answer or a stream
 * chunk) into a {@link ProviderError} that keeps its meaning: 402 (credits) is not retried but lets a
 * group fall back to the next target, such as a self-hosted one; 403 is a moderation refusal, answered
 * as 403 with its reasons and treated as a content-policy refusal (a group's `contentPolicy`
 * fallback applies); 408/429/502/503 are retryable, honoring `retry-after`.
 */
export function toOpenRouterProviderError(input: UpstreamErrorInput): ProviderError {
  const { text, json } = readErrorBody(input.bodyText, input.secrets);
  const parsed = openRouterErrorSchema.safeParse(json);
  const error = parsed.success ? parsed.data.error : undefined;
  let message = error?.message ?? (text.trim().slice(0, 500) || 'no error message');
  const reasons = error?.metadata?.reasons;
  if (reasons !== undefined && reasons.length > 0) message += ` (flagged for: ${reasons.join(', ')})`;
  const retryAfterMs = parseRetryAfter(input.headers);
  const code = input.status === 402 ? 'insufficient_credits' : input.status === 403 ? 'content_policy_violation' : typeof error?.code === 'string' ? error.code : undefined;
  const credentials = input.status === 401 ? ` Check providers.${input.provider}.apiKey.` : '';
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}: ${message}${credentials}`, {
    provider: input.provider,
    upstreamStatus: input.status,
    ...(code === undefined ? {} : { upstreamCode: code }),
    ...(input.status === 403 ? { clientStatus: 403 } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    redactedBody: text,
  });
}
