import type { MockAnthropic } from '../create-mock-anthropic.js';
import type { MockBedrock } from '../create-mock-bedrock.js';
import type { MockGemini } from '../create-mock-gemini.js';
import type { MockOpenAI } from '../create-mock-openai.js';
import type { ConformanceUpstream } from './conformance-upstream.js';

/** The conformance adapter of an OpenAI-compatible mock (any flavor). */
export function openAIConformanceUpstream(mock: MockOpenAI, input: { providerOptions: Record<string, unknown>; model: string; secret: string }): ConformanceUpstream {
  return {
    ...input,
    requests: mock.requests,
    enqueueText: (text) => mock.enqueue({ content: text, stream: { content: text.split(/(?<= )/) } }),
    enqueueError: (status, message) => mock.enqueue({ status, error: { message, type: status === 429 ? 'requests' : 'invalid_request_error' }, headers: status === 429 ? { 'retry-after': '2' } : {} }),
    enqueueHang: () => mock.enqueue({ hang: true }),
    close: () => mock.close(),
  };
}

const anthropicErrorTypes: Readonly<Record<number, string>> = { 400: 'invalid_request_error', 401: 'authentication_error', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error' };

/** The conformance adapter of the Anthropic mock. */
export function anthropicConformanceUpstream(mock: MockAnthropic, input: { providerOptions: Record<string, unknown>; model: string; secret: string }): ConformanceUpstream {
  return {
    ...input,
    requests: mock.requests,
    enqueueText: (text) => mock.enqueue({ content: text }),
    enqueueError: (status, message) => mock.enqueue({ status, error: { type: anthropicErrorTypes[status] ?? 'api_error', message }, headers: status === 429 ? { 'retry-after': '2' } : {} }),
    enqueueHang: () => mock.enqueue({ hang: true }),
    close: () => mock.close(),
  };
}

const geminiErrorStatuses: Readonly<Record<number, string>> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

/** The conformance adapter of the Gemini mock: a 429 says when to retry in `RetryInfo`, as Google does. */
export function geminiConformanceUpstream(mock: MockGemini, input: { providerOptions: Record<string, unknown>; model: string; secret: string }): ConformanceUpstream {
  return {
    ...input,
    requests: mock.requests,
    enqueueText: (text) => mock.enqueue({ content: text }),
    enqueueError: (status, message) =>
      mock.enqueue({ status, error: { status: geminiErrorStatuses[status] ?? 'INTERNAL', message, details: status === 429 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }] : [] } }),
    enqueueHang: () => mock.enqueue({ hang: true }),
    close: () => mock.close(),
  };
}

const bedrockErrorTypes: Readonly<Record<number, string>> = { 400: 'ValidationException', 401: 'UnrecognizedClientException', 403: 'AccessDeniedException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' };

/** The conformance adapter of the Bedrock mock (Bedrock sends no `retry-after`; the 429 here carries one as a proxy in front would). */
export function bedrockConformanceUpstream(mock: MockBedrock, input: { providerOptions: Record<string, unknown>; model: string; secret: string }): ConformanceUpstream {
  return {
    ...input,
    requests: mock.requests,
    enqueueText: (text) => mock.enqueue({ content: text }),
    enqueueError: (status, message) => mock.enqueue({ status, error: { type: bedrockErrorTypes[status] ?? 'InternalServerException', message }, headers: status === 429 ? { 'retry-after': '2' } : {} }),
    enqueueHang: () => mock.enqueue({ hang: true }),
    close: () => mock.close(),
  };
}
