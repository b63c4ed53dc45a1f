import type { GatewayContext } from '@tollgate/core';

/** Response headers that tell what happened: request id, provider, upstream model, attempts. */
export function gatewayHeaders(context: GatewayContext): Record<string, string | number> {
  const headers: Record<string, string | number> = { 'x-request-id': context.requestId };
  if (context.target !== undefined) {
    headers['x-tollgate-provider'] = context.target.provider.name;
    headers['x-tollgate-upstream-model'] = context.target.model;
    headers['x-tollgate-attempts'] = context.attempts;
  }
  return headers;
}
