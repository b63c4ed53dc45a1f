import { ProviderError, z } from '@tollgate/core';
import { outputLimitOfRefusal } from './output-limit-of-refusal.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { readErrorBody } from './read-error-body.js';
import type { UpstreamErrorInput } from './upstream-error-input.js';

const openAIErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    param: z.string().nullish(),
  }),
});

/**
 * Turns an OpenAI-compatible upstream's error answer (`{"error":{message,type,param,code}}`, as OpenAI,
 * Azure OpenAI and most OpenAI-compatible servers send it) into a {@link ProviderError}: the upstream's message kept (secrets
 * removed), its code kept on the wire (`context_length_exceeded`), `retry-after` honoured, and the
 * output limit it would take when it refused the request's as too large (`outputLimitOfRefusal`).
 */
export function toOpenAICompatibleError(input: UpstreamErrorInput): ProviderError {
  const { text: bodyText, json } = readErrorBody(input.bodyText, input.secrets);
  const parsed = openAIErrorBodySchema.safeParse(json);
  const upstream = parsed.success ? parsed.data.error : undefined;
  const detail = upstream?.message ?? (bodyText.trim().slice(0, 500) || 'no error message');
  const code = upstream?.code ?? upstream?.type ?? undefined;
  const credentials = input.status === 401 || input.status === 403 ? ` Check providers.${input.provider}.apiKey.` : '';
  const retryAfterMs = parseRetryAfter(input.headers);
  const outputLimit = input.status === 400 ? outputLimitOfRefusal(detail) : undefined;
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}: ${detail}${credentials}`, {
    provider: input.provider,
    upstreamStatus: input.status,
    ...(code === undefined || code === null ? {} : { upstreamCode: String(code) }),
    ...(upstream?.param ? { param: upstream.param } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(outputLimit === undefined ? {} : { outputLimit }),
    redactedBody: bodyText,
  });
}
