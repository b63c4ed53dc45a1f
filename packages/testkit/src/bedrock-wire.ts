import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

/**
 * Builders of Amazon Bedrock Runtime wire objects, shaped as the Converse API reference documents
 * them: error answers (`x-amzn-ErrorType` header and `{"message"}` body), token usage, and
 * `application/vnd.amazon.eventstream` frames (prelude, headers, JSON payload, CRCs) for ConverseStream.
 */

/** The HTTP status Bedrock answers each error type with. */
export const bedrockErrorStatus: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/** The headers of an error answer: its type in `x-amzn-ErrorType`, as the REST-JSON protocol sends it. */
export function bedrockErrorHeaders(type: string): Record<string, string> {
  return { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'mock-request-id' };
}

/** Converse usage: `inputTokens` excludes cache reads and writes, which are counted apart. */
export function bedrockUsage(input: number, output: number, cacheRead = 0, cacheWrite = 0) {
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output + cacheRead + cacheWrite,
    ...(cacheRead > 0 || cacheWrite > 0 ? { cacheReadInputTokens: cacheRead, cacheWriteInputTokens: cacheWrite } : {}),
  };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One ConverseStream event frame (`:message-type: event`); Bedrock pads each payload with a `p` field. */
export function bedrockEvent(type: string, payload: Record<string, unknown>): Uint8Array {
  const body = fromUtf8(JSON.stringify({ ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'.slice(0, 4 + (type.length % 20)) }));
  return codec.encode({
    headers: { ':event-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'event' } },
    body,
  });
}

/** A modeled exception frame in a ConverseStream (`:message-type: exception`, `:exception-type: throttlingException`). */
export function bedrockExceptionEvent(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: { ':exception-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'exception' } },
    body: fromUtf8(JSON.stringify({ message })),
  });
}
