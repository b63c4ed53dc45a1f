import { randomUUID } from 'node:crypto';

const acceptableRequestId = /^[\w.:-]{1,128}$/;

/** The incoming `x-request-id` when it is a sane token, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && acceptableRequestId.test(header) ? header : randomUUID();
}
