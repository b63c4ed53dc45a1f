import { GatewayError, ProviderError, redactSecrets, z } from '@tollgate/core';
import { parseRetryAfter } from './parse-retry-after.js';

const openAIErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    param: z.string().nullish(),
  }),
});

/** Largest error body read from an upstream; the rest is dropped. */
const maxErrorBodyBytes = 64 * 1024;

/**
 * Turns an upstream error answer into a {@link ProviderError}: the upstream's message kept (secrets
 * removed), its code kept on the wire (`context_length_exceeded`), `retry-after` honoured.
 */
export function toOpenAIProviderError(input: {
  provider: string;
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  bodyText: string;
  secrets: readonly string[];
}): ProviderError {
  const bodyText = redactSecrets(input.bodyText.slice(0, maxErrorBodyBytes), input.secrets);
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(bodyText);
  } catch {
    parsedBody = undefined;
  }
  const parsed = openAIErrorBodySchema.safeParse(parsedBody);
  const upstream = parsed.success ? parsed.data.error : undefined;
  const detail = upstream?.message ?? (bodyText.trim().slice(0, 500) || 'no error message');
  const code = upstream?.code ?? upstream?.type ?? undefined;
  const credentials = input.status === 401 || input.status === 403 ? ` Check providers.${input.provider}.apiKey.` : '';
  const retryAfterMs = parseRetryAfter(input.headers);
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}: ${detail}${credentials}`, {
    provider: input.provider,
    upstreamStatus: input.status,
    ...(code === undefined || code === null ? {} : { upstreamCode: String(code) }),
    ...(upstream?.param ? { param: upstream.param } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    redactedBody: bodyText,
  });
}

function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  const nested = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof nested === 'string' ? nested : undefined;
}

/**
 * Turns a transport failure (undici error, abort) into a {@link GatewayError} with its own code per
 * timeout kind, so retries and logs can tell them apart.
 */
export function toTransportError(error: unknown, input: { provider: string; origin: string; timedOut: () => boolean; clientSignal: AbortSignal }): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const where = `provider "${input.provider}" (${input.origin})`;
  const code = errorCode(error);
  if (input.clientSignal.aborted) return new GatewayError('TOLLGATE_CLIENT_CLOSED_REQUEST', 'The client closed the connection; the upstream request was aborted.', { cause: error });
  if (input.timedOut()) return new GatewayError('TOLLGATE_UPSTREAM_TOTAL_TIMEOUT', `The answer from ${where} took longer than its total timeout.`, { cause: error });
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_CONNECT_TIMEOUT', `Could not connect to ${where} within its connect timeout.`, { cause: error });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_FIRST_BYTE_TIMEOUT', `${where} did not start answering within its first-byte timeout.`, { cause: error });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_IDLE_TIMEOUT', `${where} stopped sending in the middle of its answer (idle timeout).`, { cause: error });
    default:
      return new GatewayError('TOLLGATE_UPSTREAM_UNREACHABLE', `Could not reach ${where}: ${code ?? (error instanceof Error ? error.message : String(error))}.`, { cause: error });
  }
}
