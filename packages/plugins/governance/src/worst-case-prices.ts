import type { ModelPrices, Pricing, RouteTarget } from '@tollgate/core';

/** USD per million tokens: the highest input and output price among a request's targets. */
export interface WorstCasePrices {
  readonly input: number;
  readonly output: number;
}

/**
 * The highest prices any of the targets may charge (a fallback may be dearer than the first target;
 * long-context tiers count at their highest). Undefined when any target's price is unknown: a worst
 * case cannot be bounded then.
 */
export function worstCasePrices(targets: readonly RouteTarget[], pricing: Pricing | undefined): WorstCasePrices | undefined {
  let input = 0;
  let output = 0;
  for (const target of targets) {
    const prices: ModelPrices | undefined = target.price ?? pricing?.prices({ provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model });
    if (prices === undefined) return undefined;
    input = Math.max(input, prices.maxInput ?? prices.input, prices.cacheWrite ?? 0);
    output = Math.max(output, prices.maxOutput ?? prices.output);
  }
  return targets.length === 0 ? undefined : { input, output };
}
