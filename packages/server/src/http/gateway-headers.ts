import { usdOfMicros, type GatewayContext } from '@tollgate/core';

/**
 * Milliseconds the gateway itself spent on a request so far: time since it arrived, less the time
 * upstream attempts took and the backoff waited between them.
 */
export function gatewayOverheadMs(context: GatewayContext, now = performance.now()): number {
  let upstream = 0;
  for (const attempt of context.attempts) upstream += (attempt.durationMs ?? now - attempt.startedAt) + attempt.waitedMs;
  return Math.max(0, now - context.timings.receivedAt - upstream);
}

/**
 * Response headers that tell what happened: request id, the provider and upstream model that answered,
 * the number of upstream attempts (retries and fallbacks included) and the gateway's own overhead,
 * what a whole answer cost in US dollars (`x-tollgate-cost`; a stream's is known only at its end: its
 * usage chunk's `usage.cost`, `GET /v1/generation`), and the headers hooks added (`x-ratelimit-*`). A new object each call: the
 * caller adds its own.
 */
export function gatewayHeaders(context: GatewayContext): Record<string, string | number> {
  const headers: Record<string, string | number> = { ...context.responseHeaders, 'x-request-id': context.requestId };
  if (context.target !== undefined) {
    headers['x-tollgate-provider'] = context.target.provider.name;
    headers['x-tollgate-model'] = context.target.model;
    headers['x-tollgate-attempts'] = context.attempts.length;
    headers['x-tollgate-overhead-ms'] = gatewayOverheadMs(context).toFixed(2);
  }
  // Whole micro-dollars: a decimal of at most six places, which a double's shortest form prints exactly.
  if (context.costMicros !== undefined) headers['x-tollgate-cost'] = usdOfMicros(context.costMicros);
  return headers;
}

