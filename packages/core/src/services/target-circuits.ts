import { createServiceToken } from './service-token.js';

/** A target whose circuit breaker is not closed. */
export interface CoolingTarget {
  /** `provider/model`, as routed (a wildcard route's target names the model asked for). */
  readonly target: string;
  /** The provider instance's name. */
  readonly provider: string;
  /** `open`: skipped until `reopensAt`; `half-open`: its cooldown is over and one probe may go (or is going) through. */
  readonly state: 'open' | 'half-open';
  /** When the cooldown ends (epoch ms). */
  readonly reopensAt: number;
}

/** The engine's circuit breakers, read-only: what metrics and dashboards show of cooldowns. */
export interface TargetCircuits {
  /** The targets cooling down now (every other target is healthy). */
  coolingTargets(): readonly CoolingTarget[];
}

/** Service token of the engine's {@link TargetCircuits}, provided by `createGateway`. */
export const TargetCircuits = createServiceToken<TargetCircuits>('TargetCircuits');
