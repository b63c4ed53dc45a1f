import { ProviderError, z } from '@tollgate/core';
import { parseRetryAfter, readErrorBody, type UpstreamErrorInput } from '@tollgate/provider-utils';

const detailSchema = z.looseObject({ '@type': z.string().optional(), reason: z.string().optional(), retryDelay: z.string().optional() });
const geminiErrorBodySchema = z.looseObject({
  error: z.looseObject({ code: z.number().optional(), message: z.string(), status: z.string().optional(), details: z.array(detailSchema).optional() }),
});

/** The HTTP status of a canonical error status seen in a stream error event. */
const statusOfCanonical: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** `RetryInfo.retryDelay` ("22s", "8.94s") in milliseconds. */
function retryDelayMs(details: readonly z.infer<typeof detailSchema>[] | undefined): number | undefined {
  const delay = details?.find((detail) => detail.retryDelay !== undefined)?.retryDelay;
  const match = delay === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(delay);
  return match === null ? undefined : Math.ceil(Number(match[1]) * 1000);
}

/** What Tollgate needs from a Gemini error body, answered or streamed. */
interface GeminiErrorInput {
  readonly provider: string;
  readonly status: number;
  readonly json: unknown;
  readonly bodyText: string;
  readonly retryAfterMs: number | undefined;
  readonly credentialOption: string;
}

function toError(input: GeminiErrorInput): ProviderError {
  const checked = geminiErrorBodySchema.safeParse(input.json);
  const upstream = checked.success ? checked.data.error : undefined;
  const message = upstream?.message ?? (input.bodyText.trim().slice(0, 500) || 'no error message');
  // Google answers a bad API key with 400 INVALID_ARGUMENT: it is the gateway's key, not the client's request.
  const badKey = upstream?.details?.some((detail) => detail.reason === 'API_KEY_INVALID') === true;
  const status = badKey ? 401 : input.status;
  const code = /input token count.*exceeds the maximum|exceeds the maximum number of tokens/i.test(message) ? 'context_length_exceeded' : upstream?.status?.toLowerCase();
  const credentials = status === 401 || status === 403 ? ` Check providers.${input.provider}.${input.credentialOption}.` : '';
  const retryAfterMs = input.retryAfterMs ?? retryDelayMs(upstream?.details);
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}: ${message}${credentials}`, {
    provider: input.provider,
    upstreamStatus: status,
    ...(code === undefined ? {} : { upstreamCode: code }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    redactedBody: input.bodyText,
  });
}

/**
 * Turns a Gemini error answer (`{"error":{code,message,status,details}}`) into a {@link ProviderError}:
 * the status and Google's canonical status as the wire code (`resource_exhausted`), the message without
 * secrets, `RetryInfo.retryDelay` as the retry delay when there is no `retry-after`, an invalid API key
 * (a 400 with reason `API_KEY_INVALID`) as the provider's credential problem (502), and a prompt over
 * the model's input limit as `context_length_exceeded` so context-window fallbacks apply.
 */
export function toGeminiProviderError(input: UpstreamErrorInput): ProviderError {
  const { text, json } = readErrorBody(input.bodyText, input.secrets);
  return toError({ provider: input.provider, status: input.status, json, bodyText: text, retryAfterMs: parseRetryAfter(input.headers), credentialOption: input.credentialOption ?? 'apiKey' });
}

/** The error of a stream event whose data is `{"error":{…}}`; its status is the error's `code`. */
export function toGeminiStreamError(provider: string, eventData: string, secrets: readonly string[], credentialOption = 'apiKey'): ProviderError {
  const { text, json } = readErrorBody(eventData, secrets);
  const error = (json as { error?: { code?: unknown; status?: unknown } } | undefined)?.error;
  const status = typeof error?.code === 'number' ? error.code : (statusOfCanonical[String(error?.status)] ?? 500);
  return toError({ provider, status, json, bodyText: text, retryAfterMs: undefined, credentialOption });
}
