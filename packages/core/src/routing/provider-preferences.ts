import { GatewayError } from '../errors/gateway-error.js';
import type { RouteTarget } from '../provider/route-target.js';

/**
 * OpenRouter's `provider` object of a chat request — its routing preferences — as far as they bear on
 * the gateway's own targets. The rest (`data_collection`, `zdr`, `quantizations`, …) is OpenRouter's,
 * passed on to an OpenRouter target with the request.
 */
export interface ProviderPreferences {
  /** Providers to try first, in this order. */
  readonly order?: readonly string[];
  /** Providers the request may go to. */
  readonly only?: readonly string[];
  /** Providers it may not go to. */
  readonly ignore?: readonly string[];
  /** False: no provider besides those in `order` (without `order`, the first target only). */
  readonly allow_fallbacks?: boolean;
  /** `price`: cheapest first; `latency` or `throughput`: fastest first (by time to first byte). */
  readonly sort?: 'price' | 'latency' | 'throughput';
  /** The most the request may pay, in USD per million tokens. */
  readonly max_price?: { readonly prompt?: number; readonly completion?: number };
}

/** How a group's targets are put in price or latency order (the `lowest-cost` and `least-latency` strategies'). */
export type SortTargets = (targets: readonly RouteTarget[], by: 'price' | 'latency') => readonly RouteTarget[];

/** OpenRouter's provider slugs for the price providers Tollgate knows under another name. */
const slugAliases: Readonly<Record<string, string>> = { 'amazon-bedrock': 'aws', 'google-vertex': 'google', 'google-ai-studio': 'google' };

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param });
}

function stringList(value: unknown, param: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`\`${param}\` must be a list of provider names.`, param);
  return value.map((item: string) => item.toLowerCase());
}

/**
 * The request's `provider` preferences, checked; undefined when it has none. A field of the wrong
 * type is a 400 naming it.
 */
export function readProviderPreferences(value: unknown): ProviderPreferences | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('`provider` must be an object of routing preferences (OpenRouter\'s: `order`, `only`, `ignore`, `allow_fallbacks`, `sort`, `max_price`).', 'provider');
  const given = value as Record<string, unknown>;
  const sort = given.sort;
  if (sort !== undefined && sort !== null && sort !== 'price' && sort !== 'latency' && sort !== 'throughput') throw invalid('`provider.sort` must be "price", "latency" or "throughput".', 'provider.sort');
  const allowFallbacks = given.allow_fallbacks;
  if (allowFallbacks !== undefined && allowFallbacks !== null && typeof allowFallbacks !== 'boolean') throw invalid('`provider.allow_fallbacks` must be true or false.', 'provider.allow_fallbacks');
  const maxPrice = given.max_price as { prompt?: unknown; completion?: unknown } | undefined | null;
  if (maxPrice !== undefined && maxPrice !== null && (typeof maxPrice !== 'object' || [maxPrice.prompt, maxPrice.completion].some((price) => price !== undefined && typeof price !== 'number'))) {
    throw invalid('`provider.max_price` must be an object of prices in USD per million tokens (`prompt`, `completion`).', 'provider.max_price');
  }
  const [order, only, ignore] = (['order', 'only', 'ignore'] as const).map((field) => stringList(given[field], `provider.${field}`));
  const preferences: ProviderPreferences = {
    ...(order === undefined ? {} : { order }),
    ...(only === undefined ? {} : { only }),
    ...(ignore === undefined ? {} : { ignore }),
    ...(typeof allowFallbacks === 'boolean' ? { allow_fallbacks: allowFallbacks } : {}),
    ...(typeof sort === 'string' ? { sort } : {}),
    ...(maxPrice === undefined || maxPrice === null ? {} : { max_price: maxPrice as ProviderPreferences['max_price'] }),
  };
  return preferences;
}

/** Whether a target is served by the provider a slug names: its name in the config, or its maker (price provider). */
function servedBy(target: RouteTarget, slug: string): boolean {
  const priceProvider = target.provider.priceProvider;
  return target.provider.name.toLowerCase() === slug || (priceProvider !== undefined && (priceProvider === slug || slugAliases[slug] === priceProvider));
}

/** Whether a target is OpenRouter's, which applies the preferences to its own providers. */
const isOpenRouter = (target: RouteTarget): boolean => target.provider.priceProvider === 'openrouter';

/**
 * A group's targets as a request's `provider` preferences ask, as OpenRouter applies them to a model's
 * providers: without those `ignore` names, only those `only` names, none dearer than `max_price`,
 * sorted by price or latency, those `order` names first, and none besides them when
 * `allow_fallbacks` is false. A name is a provider's name in the config or its maker (`openai`,
 * `anthropic`, `google`, `aws`, `azure`, and OpenRouter's slugs for them); an OpenRouter target is
 * kept for the names no other target answers to, since it applies them to its own providers. A
 * request none of whose targets is left is refused (404).
 */
export function applyProviderPreferences(targets: readonly RouteTarget[], preferences: ProviderPreferences, sortTargets: SortTargets, model: string): readonly RouteTarget[] {
  const answered = (slug: string) => targets.some((target) => !isOpenRouter(target) && servedBy(target, slug));
  let kept = targets.filter((target) => !(preferences.ignore ?? []).some((slug) => servedBy(target, slug)));
  if (preferences.only !== undefined) {
    const forOpenRouter = preferences.only.some((slug) => !answered(slug));
    kept = kept.filter((target) => preferences.only!.some((slug) => servedBy(target, slug)) || (forOpenRouter && isOpenRouter(target)));
  }
  const maxPrice = preferences.max_price;
  if (maxPrice !== undefined) {
    kept = kept.filter((target) => target.price === undefined || ((maxPrice.prompt === undefined || target.price.input <= maxPrice.prompt) && (maxPrice.completion === undefined || target.price.output <= maxPrice.completion)));
  }
  if (preferences.sort !== undefined) kept = [...sortTargets(kept, preferences.sort === 'price' ? 'price' : 'latency')];
  const order = preferences.order;
  if (order !== undefined) {
    const rank = (target: RouteTarget) => {
      const index = order.findIndex((slug) => servedBy(target, slug));
      return index === -1 ? order.length : index;
    };
    // A stable sort: within a rank, the order the strategy (or `sort`) gave.
    kept = kept.map((target, index) => ({ target, index, rank: rank(target) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map((entry) => entry.target);
  }
  if (preferences.allow_fallbacks === false) {
    if (order === undefined) kept = kept.slice(0, 1);
    else {
      const forOpenRouter = order.some((slug) => !answered(slug));
      kept = kept.filter((target) => order.some((slug) => servedBy(target, slug)) || (forOpenRouter && isOpenRouter(target)));
    }
  }
  if (kept.length === 0) {
    throw new GatewayError('TOLLGATE_MODEL_NOT_FOUND', `No target of model "${model}" meets the request's provider preferences (${JSON.stringify(preferences)}); its targets are ${targets.map((target) => target.id).join(', ')}.`, { param: 'provider' });
  }
  return kept;
}
