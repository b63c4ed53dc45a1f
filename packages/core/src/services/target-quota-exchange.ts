import { createServiceToken } from './service-token.js';

/** A target's requests and tokens counted on this instance since the last exchange. */
export interface QuotaCount {
  /** `provider/model`, as written in the config. */
  readonly target: string;
  readonly requests: number;
  readonly tokens: number;
}

/** What every instance used of a target over a minute. */
export interface SharedQuotaUse {
  readonly requests: number;
  readonly tokens: number;
}

/**
 * Shares the target quotas' counts between gateway instances, so a deployment's `rpm`/`tpm` (and
 * `usage-based` routing) hold for the whole fleet rather than per instance (`@tollgate/limits-redis`
 * provides it). Without one, each instance counts its own minute.
 */
export interface TargetQuotaExchange {
  /** How often the gateway exchanges its counts (ms): how stale another instance's use may be. */
  readonly intervalMs: number;
  /**
   * Adds this instance's new `counts` to the current second (the exchange's own clock, so instances
   * with skewed clocks agree), and answers every instance's use of each of `targets` over the last
   * minute, in the order of `targets`.
   */
  exchange(counts: readonly QuotaCount[], targets: readonly string[]): Promise<readonly SharedQuotaUse[]>;
}

/** Service token of the {@link TargetQuotaExchange}, provided by a plugin. */
export const TargetQuotaExchange = createServiceToken<TargetQuotaExchange>('TargetQuotaExchange');
