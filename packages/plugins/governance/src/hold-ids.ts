import { randomUUID } from 'node:crypto';

/**
 * A source of ids for a request's budget hold and rate-limit slots: unique within the process and
 * across instances (a random prefix per process), and never the request id — a client's
 * `x-request-id` is kept as the request id, and two requests may send the same one (a retry while
 * the first is in flight), which must not share one hold or one parallel slot.
 */
export function createHoldIds(): () => string {
  const prefix = randomUUID();
  let sequence = 0;
  return () => `${prefix}:${(sequence += 1).toString(36)}`;
}
