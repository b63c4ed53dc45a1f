import { fallbackStrategy } from './fallback-strategy.js';
import { createLeastLatencyStrategy } from './least-latency-strategy.js';
import { leastBusyStrategy } from './least-busy-strategy.js';
import { lowestCostStrategy } from './lowest-cost-strategy.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { usageBasedStrategy } from './usage-based-strategy.js';
import { createWeightedStrategy } from './weighted-strategy.js';

/** The strategy names a model group may use. */
export type StrategyName = 'fallback' | 'weighted' | 'least-latency' | 'least-busy' | 'lowest-cost' | 'usage-based';

/** The strategy of a name; `random` is injectable for tests. */
export function createRoutingStrategy(name: StrategyName, random: () => number = Math.random): RoutingStrategy {
  switch (name) {
    case 'fallback':
      return fallbackStrategy;
    case 'weighted':
      return createWeightedStrategy(random);
    case 'least-latency':
      return createLeastLatencyStrategy(random);
    case 'least-busy':
      return leastBusyStrategy;
    case 'lowest-cost':
      return lowestCostStrategy;
    case 'usage-based':
      return usageBasedStrategy;
  }
}
