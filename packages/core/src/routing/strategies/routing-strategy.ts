import type { RouteTarget } from '../../provider/route-target.js';
import type { TargetQuotas } from '../target-quotas.js';
import type { TargetStats } from '../target-stats.js';

/**
 * Orders a group's targets for one request: the first is tried first, the rest are the fallbacks in
 * order. Strategies are pure apart from the random source and the stats and minute's use they read.
 */
export interface RoutingStrategy {
  readonly name: string;
  order(targets: readonly RouteTarget[], stats: TargetStats, quotas: TargetQuotas): RouteTarget[];
}
