import type { RouteTarget } from '../../provider/route-target.js';
import type { RoutingStrategy } from './routing-strategy.js';

/** What a million input plus a million output tokens cost on a target, or Infinity when unknown. */
function blendedPrice(target: RouteTarget): number {
  return target.price === undefined ? Number.POSITIVE_INFINITY : target.price.input + target.price.output;
}

/**
 * `lowest-cost`: cheapest first by the target's price (input + output per million tokens); targets
 * without a known price come last, in configured order.
 */
export const lowestCostStrategy: RoutingStrategy = {
  name: 'lowest-cost',
  order: (targets) => [...targets].sort((a, b) => blendedPrice(a) - blendedPrice(b)),
};
