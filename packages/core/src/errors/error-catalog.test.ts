import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, GatewayError, ProviderError } from '../index.js';

describe('error catalog', () => {
  it('is documented in docs/errors.md, code by code, with status and retryability', () => {
    const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, entry] of Object.entries(errorCatalog)) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      expect(row).toContain(`| ${entry.status} | ${entry.type} | ${entry.retryable ? 'yes' : 'no'} |`);
    }
  });

  it('serializes to OpenAI shape and keeps identity across package copies', () => {
    const error = new GatewayError('TOLLGATE_MODEL_NOT_FOUND', 'no such model', { param: 'model' });
    expect(error.toJSON()).toEqual({ error: { message: 'no such model', type: 'invalid_request_error', code: 'model_not_found', param: 'model' } });
    expect(GatewayError.isInstance(error)).toBe(true);
    const lookalike = Object.assign(new Error('x'), { [Symbol.for('tollgate.gateway-error')]: true });
    expect(GatewayError.isInstance(lookalike)).toBe(true);
    expect(GatewayError.isInstance(new Error('x'))).toBe(false);
  });

  it('maps upstream statuses: retryable classes as data, provider credential failures to 502', () => {
    const status = (upstreamStatus: number) => new ProviderError('x', { provider: 'p', upstreamStatus });
    expect([408, 409, 429, 500, 502, 503, 504, 529].every((code) => status(code).retryable)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some((code) => status(code).retryable)).toBe(false);
    expect(status(401).status).toBe(502);
    expect(status(429).status).toBe(429);
    expect(new ProviderError('x', { provider: 'p', upstreamStatus: 400, upstreamCode: 'context_length_exceeded' }).wireCode).toBe('context_length_exceeded');
  });
});
