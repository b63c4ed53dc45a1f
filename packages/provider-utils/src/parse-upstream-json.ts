import { GatewayError, type z } from '@tollgate/core';

/**
 * Parses an upstream's JSON answer and checks its shape with `schema`; anything else is a retryable
 * `upstream_invalid_response` naming what was expected (a wrong `baseURL` is the usual cause).
 */
export function parseUpstreamJson(bytes: Buffer, schema: z.ZodType, input: { provider: string; expected: string }): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${input.provider}" answered with a body that is not JSON; expected ${input.expected}. Check its baseURL.`, { cause: error });
  }
  if (!schema.safeParse(parsed).success) {
    throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${input.provider}" answered JSON that is not ${input.expected}. Check its baseURL.`);
  }
  return parsed;
}
