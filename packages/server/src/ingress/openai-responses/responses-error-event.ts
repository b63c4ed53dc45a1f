import type { GatewayError } from '@tollgate/core';

/**
 * The Responses API's `error` stream event for a gateway error (OpenAI's SDKs raise it as an
 * `APIError`). `sequence` is the event's number in its stream, where the gateway numbers the events.
 */
export function responsesErrorEvent(error: GatewayError, sequence?: number): string {
  const { message, code, param } = error.toJSON().error;
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param, ...(sequence === undefined ? {} : { sequence_number: sequence }) })}\n\n`;
}
