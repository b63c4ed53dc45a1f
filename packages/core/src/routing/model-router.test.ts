import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway-config.js';
import type { Provider } from '../provider/provider.js';
import { systemClock } from '../services/clock.js';
import { ModelRouter } from './model-router.js';
import { TargetQuotas } from './target-quotas.js';
import { TargetStats } from './target-stats.js';

/** A provider as the router sees it: a name, no price source. */
const provider = (name: string) => ({ name, priceProvider: undefined }) as unknown as Provider;

function router() {
  const config = gatewayConfigSchema.parse({
    models: {
      smart: {
        targets: [
          { target: 'east/big', price: { input: 3, output: 15 } },
          { target: 'west/big', price: { input: 1, output: 5 } },
          { target: 'local/big', price: { input: 2, output: 6 } },
        ],
      },
      // A group named with the suffix itself is that group, not a sorting of `pinned`.
      pinned: { target: 'east/big' },
      'pinned:floor': { target: 'local/big' },
      'or/*': { target: 'east/*' },
    },
  });
  const providers = new Map(['east', 'west', 'local'].map((name) => [name, provider(name)]));
  // No exploration: `random()` is never below least-latency's 10 %.
  return new ModelRouter(config.models, providers, config.routing, () => 0.99);
}

const order = (model: string, stats = new TargetStats()) => {
  const route = router().resolve(model)!;
  return route.policy.strategy.order(route.targets, stats, new TargetQuotas(systemClock)).map((target) => target.id);
};

describe("ModelRouter's sorting suffixes (OpenRouter's :floor and :nitro)", () => {
  it('orders a configured group by price with `:floor` and by time to first byte with `:nitro`, keeping its own order otherwise', () => {
    expect(order('smart')).toEqual(['east/big', 'west/big', 'local/big']);
    expect(order('smart:floor')).toEqual(['west/big', 'local/big', 'east/big']);
    const stats = new TargetStats();
    stats.recordLatency('east/big', 40);
    stats.recordLatency('west/big', 300);
    stats.recordLatency('local/big', 90);
    expect(order('smart:nitro', stats)).toEqual(['east/big', 'local/big', 'west/big']);
    // The group is the configured one, for key permissions and logs.
    expect(router().groupOf('smart:nitro')).toBe('smart');
    expect(router().groupOf('smart')).toBe('smart');
  });

  it('leaves a group named with a suffix, a wildcard family and an unknown suffix alone', () => {
    expect(order('pinned:floor')).toEqual(['local/big']);
    expect(router().groupOf('pinned:floor')).toBe('pinned:floor');
    // OpenRouter reads the suffix itself: the family passes the whole name on.
    expect(order('or/anthropic/claude-sonnet-4.5:nitro')).toEqual(['east/anthropic/claude-sonnet-4.5:nitro']);
    expect(router().resolve('smart:cheap')).toBeUndefined();
  });
});
