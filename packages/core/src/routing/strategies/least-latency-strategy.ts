import type { RoutingStrategy } from './routing-strategy.js';

/**
 * `least-latency`: lowest moving average of time to first byte first. Targets with no sample yet go
 * first (so each gets measured), and with probability `exploration` a random target leads, so one that
 * recovered from a slow spell gets traffic — and a fresh measurement — again.
 */
export function createLeastLatencyStrategy(random: () => number = Math.random, exploration = 0.1): RoutingStrategy {
  return {
    name: 'least-latency',
    order(targets, stats) {
      const ordered = [...targets].sort((a, b) => (stats.latency(a.id) ?? -1) - (stats.latency(b.id) ?? -1));
      if (ordered.length > 1 && random() < exploration) {
        const [explored] = ordered.splice(Math.floor(random() * ordered.length), 1);
        ordered.unshift(explored!);
      }
      return ordered;
    },
  };
}
