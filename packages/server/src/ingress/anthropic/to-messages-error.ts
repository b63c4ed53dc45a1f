import type { GatewayError } from '@tollgate/core';

/** Anthropic's error `type` for a gateway error, chosen by status as Anthropic's API does. */
export function anthropicErrorType(error: GatewayError): string {
  switch (error.status) {
    case 400:
    case 405:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** A gateway error in Anthropic's shape: `{"type":"error","error":{"type","message"}}`. */
export function toMessagesError(error: GatewayError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(error), message: error.message } };
}
