import { GatewayError, type z } from '@tollgate/core';

/** What an upstream's answer must look like: a zod schema, or a type guard where a schema would cost the hot path. */
export type UpstreamShape = z.ZodType | ((value: unknown) => boolean);

/**
 * Parses an upstream's JSON answer and checks its shape; anything else is a retryable
 * `upstream_invalid_response` naming what was expected (a wrong `baseURL` is the usual cause).
 */
export function parseUpstreamJson(bytes: Buffer, shape: UpstreamShape, input: { provider: string; expected: string }): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${input.provider}" answered with a body that is not JSON; expected ${input.expected}. Check its baseURL.`, { cause: error });
  }
  const matches = typeof shape === 'function' ? shape(parsed) : shape.safeParse(parsed).success;
  if (!matches) {
    throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${input.provider}" answered JSON that is not ${input.expected}. Check its baseURL.`);
  }
  return parsed;
}
