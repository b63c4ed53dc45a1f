import { createServiceToken } from '../services/service-token.js';

/** What a rate limit counts: requests per minute, tokens per minute, or requests in flight. */
export type RateLimitKind = 'requests' | 'tokens' | 'parallel';

/** One limit a request is admitted against. */
export interface RateLimitCheck {
  /** Unique per subject and kind, safe as a store key (`team:search:requests`). */
  readonly key: string;
  readonly kind: RateLimitKind;
  /** Per minute for `requests` and `tokens`; at once for `parallel`. */
  readonly limit: number;
}

/** Where a limit stands after an admission, for `x-ratelimit-*` headers. */
export interface RateLimitState {
  readonly check: RateLimitCheck;
  readonly remaining: number;
  /** Milliseconds until the limit is fully available again. */
  readonly resetMs: number;
}

/** The outcome of an admission: admitted on every limit, or refused naming the first that is full. */
export type RateLimitAdmission =
  | { readonly ok: true; readonly states: readonly RateLimitState[] }
  | { readonly ok: false; readonly check: RateLimitCheck; readonly retryAfterMs: number };

/**
 * Rate-limit counters: in memory for one instance, or shared (Redis) for several. `acquire` is
 * atomic and all-or-nothing across the checks: `requests` counts the request (a GCRA over one
 * minute, bursts up to the limit), `tokens` admits while the minute has room, `parallel` holds a slot
 * until `release` (or until `slotTtlMs` passes, so a crashed instance frees its slots).
 */
export interface RateLimitStore {
  acquire(requestId: string, checks: readonly RateLimitCheck[], slotTtlMs: number): Promise<RateLimitAdmission>;
  /** Counts `tokens` against the `tokens` checks and frees the request's `parallel` slots. */
  release(requestId: string, checks: readonly RateLimitCheck[], tokens: number): Promise<void>;
}

/** Service token of the rate-limit store. */
export const RateLimitStore = createServiceToken<RateLimitStore>('RateLimitStore');
