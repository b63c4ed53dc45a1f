import { requestedServiceTier, type ModelPrices, type Pricing, type RouteTarget } from '@tollgate/core';

/** USD per million tokens: the highest input and output price among a request's targets; web searches per thousand. */
export interface WorstCasePrices {
  readonly input: number;
  readonly output: number;
  readonly webSearch: number;
  /** USD per thousand requests: a fee per call whatever its tokens. */
  readonly request: number;
  /** USD per million characters, for models billed by the character. */
  readonly character: number;
  /** USD per million image input tokens (an image edit's uploads). */
  readonly imageInput: number;
  /**
   * Whether every target has a price of its own for the images it draws: without one, a chat request
   * asking for images (`modalities: ["image"]`) cannot be bounded, as an image token may cost many times
   * a text token (Gemini's image models: $30 against $2.50 a million).
   */
  readonly imageOutputPriced: boolean;
}

/**
 * A target's prices: the pricing service's, which the request will be charged by (with their
 * long-context tiers, cache writes and web searches, and as of now where they change with the time of
 * day); else the price configured on the target for `lowest-cost` routing; undefined when unknown.
 */
function pricesOf(target: RouteTarget, pricing: Pricing | undefined): ModelPrices | undefined {
  return pricing?.prices({ provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model }) ?? target.price;
}

/**
 * A target's prices at the processing tier a request asks for (`service_tier: priority`): the pricing
 * service's for that tier only (a standard price configured on the target says nothing of it);
 * undefined when unknown.
 */
function tierPricesOf(target: RouteTarget, pricing: Pricing | undefined, serviceTier: string): ModelPrices | undefined {
  if (pricing === undefined) return target.price;
  return pricing.prices({ provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model, serviceTier });
}

/**
 * The processing tier a request goes to a target at: the target's `params` set it over the request's
 * (`service_tier`, or `speed: "fast"`, Claude's fast mode).
 */
export function tierAt(target: RouteTarget, requested: string | undefined): string | undefined {
  return requestedServiceTier(target.params) ?? requested;
}

/**
 * The highest prices any of the targets may charge a prompt of `promptTokens` (a fallback may be
 * dearer than the first target; an input token counts at its dearest, a cache write's; a long-context
 * tier's prices count once the prompt may pass its start; so do the dearest web search and fee per
 * request; an output token counts at an image's price where that is dearer). Undefined
 * when any target's price is unknown: a worst case cannot be bounded then. `fallbackTargets` (where a
 * refusal may move the request) count when priced; one without a price is left out, as a request moved
 * there is charged its hold. A request that asks for a processing tier (`serviceTier`, or a target's
 * `params.service_tier`) counts the dearer of its standard prices and the tier's (undefined when the
 * tier's are unknown): the upstream may serve it at either.
 */
export function worstCasePrices(
  targets: readonly RouteTarget[],
  pricing: Pricing | undefined,
  promptTokens: number,
  fallbackTargets: readonly RouteTarget[] = [],
  serviceTier?: string,
): WorstCasePrices | undefined {
  let input = 0;
  let output = 0;
  let webSearch = 0;
  let request = 0;
  let character = 0;
  let imageInput = 0;
  let imageOutputPriced = true;
  const take = (prices: ModelPrices) => {
    const long = prices.longContext !== undefined && promptTokens > prices.longContext.fromTokens ? prices.longContext : undefined;
    input = Math.max(input, long?.maxInput ?? prices.maxInput ?? prices.input, prices.cacheWrite ?? 0);
    // An output token may be an image's (GPT Image 1.5's $32 against its text's $10).
    output = Math.max(output, long?.maxOutput ?? prices.output, prices.imageOutput ?? 0);
    imageInput = Math.max(imageInput, prices.imageInput ?? prices.input);
    webSearch = Math.max(webSearch, prices.webSearch ?? 0);
    request = Math.max(request, prices.request ?? 0);
    character = Math.max(character, prices.character ?? 0);
  };
  for (const target of targets) {
    const prices = pricesOf(target, pricing);
    if (prices === undefined) return undefined;
    take(prices);
    if (prices.imageOutput === undefined) imageOutputPriced = false;
    const tier = tierAt(target, serviceTier);
    if (tier === undefined) continue;
    const tierPrices = tierPricesOf(target, pricing, tier);
    if (tierPrices === undefined) return undefined;
    take(tierPrices);
  }
  for (const target of fallbackTargets) {
    const prices = pricesOf(target, pricing);
    if (prices !== undefined) take(prices);
    const tier = tierAt(target, serviceTier);
    const tierPrices = tier === undefined ? undefined : tierPricesOf(target, pricing, tier);
    if (tierPrices !== undefined) take(tierPrices);
  }
  return targets.length === 0 ? undefined : { input, output, webSearch, request, character, imageInput, imageOutputPriced };
}
