import type { UpstreamTimeouts } from '../config/gateway-config.js';
import type { RoutingStrategy } from './strategies/routing-strategy.js';

/** Retry settings of a group, with the gateway's defaults filled in. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

/** Circuit-breaker settings of a group; `false` turns it off. */
export type CooldownPolicy = false | { readonly failures: number; readonly cooldownMs: number };

/** How a model group is dispatched: built once per group at startup. */
export interface RoutePolicy {
  /** The model name as configured (`smart`, `or/*`). */
  readonly group: string;
  readonly strategy: RoutingStrategy;
  readonly retries: RetryPolicy;
  readonly timeouts: UpstreamTimeouts;
  /** Applies only when the group has more than one target (a lone target is never cooled down). */
  readonly cooldown: CooldownPolicy;
  readonly fallbacks: { readonly contextWindow?: string; readonly contentPolicy?: string };
}
