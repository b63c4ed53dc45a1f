import { ProviderError, z } from '@tollgate/core';
import { outputLimitOfRefusal, parseRetryAfter, readErrorBody, type UpstreamErrorInput } from '@tollgate/provider-utils';

const errorBodySchema = z.looseObject({ message: z.string().optional(), Message: z.string().optional() });

/**
 * The status Tollgate treats an error type as. Bedrock answers a quota error with 400, but it clears
 * with time like a throttle, so it counts as 429 (retryable, eligible for fallback).
 */
const statusOfType: Readonly<Record<string, number>> = {
  ServiceQuotaExceededException: 429,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  ValidationException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 401,
  InvalidSignatureException: 401,
  ExpiredTokenException: 401,
  ResourceNotFoundException: 404,
};

/** The error type of an `x-amzn-ErrorType` header (`ThrottlingException:http://…`). */
function errorTypeOf(headers: UpstreamErrorInput['headers']): string | undefined {
  const value = headers['x-amzn-errortype'];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(':')[0] || undefined;
}

/** What a Bedrock error says, answered or streamed. */
interface BedrockErrorInput {
  readonly provider: string;
  readonly status: number;
  readonly type: string | undefined;
  readonly message: string;
  readonly redactedBody: string;
  readonly retryAfterMs?: number | undefined;
}

function toError(input: BedrockErrorInput): ProviderError {
  const status = (input.type === undefined ? undefined : statusOfType[input.type]) ?? input.status;
  const code = /input is too long|too many input tokens|prompt is too long|context window/i.test(input.message) ? 'context_length_exceeded' : input.type;
  const credentials = status === 401 || status === 403 ? ` Check the credentials of providers.${input.provider}.` : '';
  // Claude's refusal of an output limit too large, which Bedrock passes on in its message.
  const outputLimit = status === 400 ? outputLimitOfRefusal(input.message) : undefined;
  return new ProviderError(`Provider "${input.provider}" answered ${input.status}${input.type === undefined ? '' : ` ${input.type}`}: ${input.message}${credentials}`, {
    provider: input.provider,
    upstreamStatus: status,
    ...(code === undefined ? {} : { upstreamCode: code }),
    ...(input.retryAfterMs === undefined ? {} : { retryAfterMs: input.retryAfterMs }),
    ...(outputLimit === undefined ? {} : { outputLimit }),
    redactedBody: input.redactedBody,
  });
}

/**
 * Turns a Bedrock error answer (type in `x-amzn-ErrorType`, `{"message"}` body) into a
 * {@link ProviderError}: throttling, quota and not-ready errors are 429 and retryable, as are model
 * timeouts (408) and 5xx; a refused signature or key is the gateway's credential problem (502); an
 * input over the model's window is `context_length_exceeded`. The type is the wire code.
 */
export function toBedrockProviderError(input: UpstreamErrorInput): ProviderError {
  const { text, json } = readErrorBody(input.bodyText, input.secrets);
  const checked = errorBodySchema.safeParse(json);
  const message = (checked.success ? (checked.data.message ?? checked.data.Message) : undefined) ?? (text.trim().slice(0, 500) || 'no error message');
  return toError({ provider: input.provider, status: input.status, type: errorTypeOf(input.headers), message, redactedBody: text, retryAfterMs: parseRetryAfter(input.headers) });
}

/** The error of a ConverseStream exception frame (`:exception-type: throttlingException`, `{"message"}` payload). */
export function toBedrockStreamError(provider: string, exceptionType: string, payload: string, secrets: readonly string[]): ProviderError {
  const { text, json } = readErrorBody(payload, secrets);
  const body = json as { message?: unknown; originalStatusCode?: unknown } | undefined;
  const type = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1);
  const status = typeof body?.originalStatusCode === 'number' ? body.originalStatusCode : (statusOfType[type] ?? 500);
  return toError({ provider, status, type, message: typeof body?.message === 'string' ? body.message : text, redactedBody: text });
}
