import type { RetryPolicy } from './route-policy.js';

/** The shortest wait before sending a body to the same target again. */
const minimumDelayMs = 10;

/**
 * How long to wait before retry number `retry` (0-based) of the same target: the upstream's
 * `retry-after` when it gave one (undefined when it asks for more than `maxRetryAfterMs`: move on to
 * the next target instead), else exponential backoff with full jitter — random in
 * [0, min(maxDelayMs, baseDelayMs × 2^retry)] — never below a small floor, so a body is never sent
 * twice to the same target without a pause.
 */
export function computeBackoff(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? undefined : Math.max(minimumDelayMs, retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.max(minimumDelayMs, Math.floor(random() * ceiling));
}
