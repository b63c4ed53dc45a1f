import type { RouteTarget } from '../../provider/route-target.js';
import type { TargetStats } from '../target-stats.js';

/**
 * Orders a group's targets for one request: the first is tried first, the rest are the fallbacks in
 * order. Strategies are pure apart from the random source and the stats they read.
 */
export interface RoutingStrategy {
  readonly name: string;
  order(targets: readonly RouteTarget[], stats: TargetStats): RouteTarget[];
}
