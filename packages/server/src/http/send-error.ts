import type { ServerResponse } from 'node:http';
import type { GatewayError, WireFormat } from '@tollgate/core';
import { toMessagesError } from '../ingress/anthropic/to-messages-error.js';

/**
 * Answers with an error in the client's shape — OpenAI's, or Anthropic's on the `/v1/messages`
 * ingress — adding `retry-after` when the error knows the wait, and headers hooks added (`x-ratelimit-*`).
 */
export function sendError(res: ServerResponse, error: GatewayError, wire: WireFormat = 'openai', extraHeaders?: Readonly<Record<string, string>>): void {
  const body = JSON.stringify(wire === 'anthropic' ? toMessagesError(error) : error.toJSON());
  const headers: Record<string, string | number> = { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  res.writeHead(error.status, headers);
  res.end(body);
}
