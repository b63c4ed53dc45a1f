import type { RoutingStrategy } from './routing-strategy.js';

/** `least-busy`: fewest requests in flight on this instance first; ties keep the configured order. */
export const leastBusyStrategy: RoutingStrategy = {
  name: 'least-busy',
  order: (targets, stats) => [...targets].sort((a, b) => stats.inFlight(a.id) - stats.inFlight(b.id)),
};
