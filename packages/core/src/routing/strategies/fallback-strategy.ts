import type { RoutingStrategy } from './routing-strategy.js';

/** `fallback`: the configured order, always. */
export const fallbackStrategy: RoutingStrategy = {
  name: 'fallback',
  order: (targets) => [...targets],
};
