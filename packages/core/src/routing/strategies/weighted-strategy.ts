import type { RouteTarget } from '../../provider/route-target.js';
import type { RoutingStrategy } from './routing-strategy.js';

/**
 * `weighted`: the first target is drawn at random in proportion to `weight`; the fallbacks follow in
 * the same way among those left (weighted sampling without replacement).
 */
export function createWeightedStrategy(random: () => number = Math.random): RoutingStrategy {
  return {
    name: 'weighted',
    order(targets) {
      const left = [...targets];
      const ordered: RouteTarget[] = [];
      while (left.length > 0) {
        const total = left.reduce((sum, target) => sum + (target.weight ?? 1), 0);
        let point = random() * total;
        let index = left.findIndex((target) => (point -= target.weight ?? 1) < 0);
        if (index === -1) index = left.length - 1; // rounding at the very top of the range
        ordered.push(left.splice(index, 1)[0]!);
      }
      return ordered;
    },
  };
}
