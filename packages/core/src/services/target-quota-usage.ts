import { createServiceToken } from './service-token.js';

/** A target with a quota per minute, and how much of it the last minute used (this instance's, or every instance's when shared). */
export interface TargetQuotaUse {
  /** `provider/model`, as written in the config. */
  readonly target: string;
  /** The provider instance's name. */
  readonly provider: string;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** Requests sent to it over the last minute. */
  readonly requests: number;
  /** Tokens its answers counted over the last minute. */
  readonly tokens: number;
}

/** The engine's target quotas, read-only: what dashboards show of a deployment's RPM and TPM. */
export interface TargetQuotaUsage {
  /** Every target of an exact route that has a quota, with its use. */
  quotaUsage(): readonly TargetQuotaUse[];
}

/** Service token of the engine's {@link TargetQuotaUsage}, provided by `createGateway`. */
export const TargetQuotaUsage = createServiceToken<TargetQuotaUsage>('TargetQuotaUsage');
