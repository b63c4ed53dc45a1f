import { GatewayError } from '@tollgate/core';

/** How a JSON value reads in an error message: "a number", "an empty string", "null"… */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/**
 * The 400 for a required field of an ingress's body that is absent, or present but not what it must
 * be (`expected`, e.g. "a string, or an array of strings"): the message says which, so a client sending
 * `"input": 42` is not told the field is missing.
 */
export function requiredFieldError(field: string, value: unknown, expected: string): GatewayError {
  const message =
    value === undefined
      ? `The request is missing the required field "${field}" (${expected}).`
      : `The request field "${field}" must be ${expected}; got ${describeValue(value)}.`;
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param: field });
}
