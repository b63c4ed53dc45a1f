import type { ServerResponse } from 'node:http';
import type { GatewayError } from '@tollgate/core';

/** Answers with an error in OpenAI's shape, adding `retry-after` when the error knows the wait. */
export function sendError(res: ServerResponse, error: GatewayError): void {
  const body = JSON.stringify(error.toJSON());
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  res.writeHead(error.status, headers);
  res.end(body);
}
