import { calcPrice } from '@pydantic/genai-prices';
import { costAtPrices, type Logger, type ModelPrices, type PricedModel, type Pricing, type Usage } from '@tollgate/core';
import { characterPrices } from './character-prices.js';
import { originImageOutputPrice } from './origin-image-prices.js';
import type { PricingOptions } from './pricing-options.js';
import { isStandardTier, openAIPriorityPricesOf, tierRuleOf, tokenPricesTimes } from './service-tier-prices.js';

/** A table price: a number, or tiered (`{ base, tiers: [{ start, price }] }` for long contexts). */
type TablePrice = number | { base: number; tiers?: { start: number; price: number }[] } | undefined;

/** The base price of a table entry. */
function base(price: TablePrice): number | undefined {
  if (typeof price === 'number') return price;
  return typeof price?.base === 'number' ? price.base : undefined;
}

/** The highest tier's price of a table entry. */
function highest(price: TablePrice): number | undefined {
  if (typeof price === 'number') return price;
  if (price === undefined) return undefined;
  return Math.max(price.base, ...(price.tiers ?? []).map((tier) => tier.price));
}

/** The fewest input tokens at which any of these prices leaves its base: the long-context tier's start. */
function firstTierStart(prices: readonly TablePrice[]): number | undefined {
  let start: number | undefined;
  for (const price of prices) {
    if (typeof price !== 'object') continue;
    for (const tier of price.tiers ?? []) start = Math.min(start ?? tier.start, tier.start);
  }
  return start;
}

/** Integer micro-dollars of a USD amount. */
const toMicros = (usd: number) => Math.round(usd * 1_000_000);

/** Table lookups remembered at most; past it the cache starts over (wildcard routes can name any model). */
const maxCachedModels = 10_000;

/** What the table says of a model: whether it is in it, whether its prices change with time, its prices, and its simple rates. */
interface TableEntry {
  /** Whether `calcPrice` prices its usage; false for a model Tollgate prices itself from `prices`. */
  readonly known: boolean;
  /** The model's context window in tokens, where the table gives it. */
  readonly contextWindow: number | undefined;
  /** Prices that depend on the date or the time of day: `prices` and `rates` are undefined, `calcPrice` decides each time. */
  readonly conditional: boolean;
  /** Its prices; for a model the table lacks, the ones Tollgate knows (see `characterPrices`), if any. */
  readonly prices: ModelPrices | undefined;
  readonly rates: SimpleRates | undefined;
}

/** A price key {@link SimpleRates} charges: per million tokens, or per thousand web searches. */
type SimpleKey = 'input_mtok' | 'cache_read_mtok' | 'cache_write_mtok' | 'output_mtok' | 'web_searches_kcount';

/** Prices a cost can be computed from without `calcPrice`: per-million token prices and web searches, no tiers. */
interface SimpleRates {
  /** Each price key in the table's order (the order `calcPrice` adds them in), with its price. */
  readonly terms: readonly (readonly [SimpleKey, number])[];
  readonly cacheRead: boolean;
  readonly cacheWrite: boolean;
}

/** Price keys of a table entry whose cost {@link SimpleRates} computes exactly; file (storage) searches are charged only when their usage is given, which Tollgate never gives. */
const simpleKeys = new Set(['input_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_mtok', 'web_searches_kcount', 'storage_searches_kcount']);

/** The rates of an entry whose prices are all plain numbers of {@link simpleKeys}; undefined otherwise (tiers, audio, images…). */
function simpleRates(price: Record<string, TablePrice>): SimpleRates | undefined {
  const terms: [SimpleRates['terms'][number][0], number][] = [];
  for (const [key, value] of Object.entries(price)) {
    if (!simpleKeys.has(key) || (value !== undefined && typeof value !== 'number')) return undefined;
    if (key !== 'storage_searches_kcount' && typeof value === 'number') terms.push([key as SimpleKey, value]);
  }
  return { terms, cacheRead: price.cache_read_mtok !== undefined, cacheWrite: price.cache_write_mtok !== undefined };
}

/** What `calcPrice` charges for this usage at simple rates (input tokens include cached ones); undefined when the usage is inconsistent. */
function simpleCost(rates: SimpleRates, usage: Usage): number | undefined {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  const uncached = usage.prompt_tokens - (rates.cacheRead ? cacheRead : 0) - (rates.cacheWrite ? cacheWrite : 0);
  if (uncached < 0) return undefined;
  const tokens = { input_mtok: uncached, cache_read_mtok: cacheRead, cache_write_mtok: cacheWrite, output_mtok: usage.completion_tokens };
  let input = 0;
  let output = 0;
  let searches = 0;
  for (const [key, price] of rates.terms) {
    if (key === 'web_searches_kcount') searches += (price * (usage.server_tool_use?.web_search_requests ?? 0)) / 1_000;
    else if (key === 'output_mtok') output += (price * tokens[key]) / 1_000_000;
    else input += (price * tokens[key]) / 1_000_000;
  }
  return input + output + searches;
}

/**
 * The prices of a table entry: base prices (cache writes, web searches, audio and images too), the dearest an
 * input token may be charged, and a long-context tier's; undefined without input and output prices,
 * unless it is billed by the hour of audio (Whisper), whose tokens are then free.
 */
function toModelPrices(price: Record<string, TablePrice> | undefined): ModelPrices | undefined {
  const audioHour = base(price?.input_audio_hours) ?? base(price?.audio_hours);
  const input = base(price?.input_mtok) ?? (audioHour === undefined ? undefined : 0);
  const output = base(price?.output_mtok) ?? (audioHour === undefined ? undefined : 0);
  if (input === undefined || output === undefined) return undefined;
  const audioInput = base(price?.input_audio_mtok);
  const imageInput = base(price?.input_image_mtok);
  const imageOutput = base(price?.output_image_mtok);
  const cacheRead = base(price?.cache_read_mtok);
  const cacheWrite = base(price?.cache_write_mtok);
  const cacheWrite1h = base(price?.cache_write_1h_mtok);
  const webSearch = base(price?.web_searches_kcount);
  const request = base(price?.requests_kcount);
  // Any input token may be written to a cache, for an hour: the dearest of the three, below the tier and past it.
  const inputSide = [price?.input_mtok, price?.cache_write_mtok, price?.cache_write_1h_mtok];
  const maxInput = Math.max(...inputSide.map((entry) => base(entry) ?? 0));
  const fromTokens = firstTierStart([...inputSide, price?.output_mtok]);
  const longContext = fromTokens === undefined ? undefined : { fromTokens, maxInput: Math.max(...inputSide.map((entry) => highest(entry) ?? 0)), maxOutput: highest(price?.output_mtok)! };
  return {
    input,
    output,
    ...(cacheRead === undefined ? {} : { cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWrite }),
    ...(cacheWrite1h === undefined ? {} : { cacheWrite1h }),
    ...(webSearch === undefined ? {} : { webSearch }),
    ...(request === undefined ? {} : { request }),
    ...(audioInput === undefined ? {} : { audioInput }),
    ...(imageInput === undefined ? {} : { imageInput }),
    ...(imageOutput === undefined ? {} : { imageOutput }),
    ...(audioHour === undefined ? {} : { audioHour }),
    ...(maxInput > input ? { maxInput } : {}),
    ...(longContext === undefined ? {} : { longContext }),
  };
}

/**
 * An OpenRouter entry at plain prices that lacks the price of the images its model draws, given its
 * maker's (see `originImageOutputPrice`) and priced by Tollgate from then on (`calcPrice` would charge
 * the images at the text price); any other entry as it is.
 */
function withOriginImagePrice(entry: TableEntry, priceProvider: string, modelName: string): TableEntry {
  if (entry.rates === undefined || entry.prices === undefined || entry.prices.imageOutput !== undefined) return entry;
  const imageOutput = originImageOutputPrice(priceProvider, modelName);
  if (imageOutput === undefined) return entry;
  return { known: false, contextWindow: entry.contextWindow, conditional: false, prices: { ...entry.prices, imageOutput }, rates: undefined };
}

/** No charge at all: a model the table lists with no price (OpenAI's moderation models). */
const free: ModelPrices = Object.freeze({ input: 0, output: 0 });

/** The prices of a table entry the table lists: its prices, or free when it gives none at all. */
function listedPrices(price: Record<string, TablePrice> | undefined): ModelPrices | undefined {
  return price !== undefined && Object.keys(price).length === 0 ? free : toModelPrices(price);
}

/** The audio `calcPrice` is given of a usage: its audio input tokens, and its seconds of audio (for models billed by the hour). */
function audioUsage(usage: Usage): Record<string, number> {
  const tokens = usage.prompt_tokens_details?.audio_tokens ?? 0;
  const seconds = usage.audio_seconds ?? 0;
  if (tokens === 0 && seconds === 0) return {};
  return { ...(tokens > 0 ? { input_audio_tokens: tokens } : {}), ...(seconds > 0 ? { audio_seconds: seconds, input_audio_seconds: seconds } : {}) };
}

/** The image tokens `calcPrice` is given of a usage: an edit's input images, a GPT Image model's output images (priced apart where the table prices them apart). */
function imageUsage(usage: Usage): Record<string, number> {
  const input = usage.prompt_tokens_details?.image_tokens ?? 0;
  const output = usage.completion_tokens_details?.image_tokens ?? 0;
  if (input === 0 && output === 0) return {};
  return { ...(input > 0 ? { input_image_tokens: input } : {}), ...(output > 0 ? { output_image_tokens: output } : {}) };
}

/** Usage of no tokens, with `usage`'s web searches: what a request is charged whatever its tokens. */
function feesOnly(usage: Usage): Usage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, server_tool_use: usage.server_tool_use ?? null };
}

/**
 * Prices from the `@pydantic/genai-prices` table (bundled data: dated snapshots matched, cache read
 * and write prices, tiered prices), with config overrides first. A processing tier other than the
 * standard one (`service_tier: priority`, `flex`) is priced by the `serviceTiers` option, else by
 * what Tollgate knows of it (see `tierRuleOf`). A model or tier priced nowhere is unknown: its cost is
 * undefined and a warning is logged once per model and tier, never a silent $0.
 */
export class TablePricing implements Pricing {
  readonly #overrides: PricingOptions['overrides'];
  readonly #serviceTiers: PricingOptions['serviceTiers'];
  readonly #logger: Logger;
  readonly #warned = new Set<string>();
  /**
   * Table entries by price provider and model: a lookup runs `calcPrice`, ~18 µs (it matches the model
   * against the provider's table on every call), and was made once per target of every budgeted
   * request and once per finished request.
   */
  readonly #staticPrices = new Map<string, TableEntry>();

  constructor(options: PricingOptions, logger: Logger) {
    this.#overrides = options.overrides;
    this.#serviceTiers = options.serviceTiers;
    this.#logger = logger;
  }

  prices(model: PricedModel): ModelPrices | undefined {
    const standard = this.#standardPrices(model);
    return isStandardTier(model.serviceTier) ? standard : this.#tierPrices(model, model.serviceTier!, standard);
  }

  /** The prices of a tier other than the standard one: configured, else by Tollgate's rule for it; undefined when unknown. */
  #tierPrices(model: PricedModel, tier: string, standard: ModelPrices | undefined): ModelPrices | undefined {
    const configured = (this.#serviceTiers[`${model.provider}/${model.model}`] ?? this.#serviceTiers[model.model])?.[tier];
    if (configured !== undefined) return configured;
    const rule = tierRuleOf(model.priceProvider, tier, model.model);
    if (rule === undefined || standard === undefined) return undefined;
    return rule.kind === 'times' ? tokenPricesTimes(standard, rule.factor) : openAIPriorityPricesOf(model.model, standard);
  }

  #standardPrices(model: PricedModel): ModelPrices | undefined {
    const override = this.#override(model);
    if (override !== undefined) return override;
    if (model.priceProvider === undefined) return undefined;
    const entry = this.#tableEntry(model.priceProvider, model.model);
    if (!entry.conditional) return entry.prices;
    const now = calcPrice({ input_tokens: 0, output_tokens: 0 }, model.model, { providerId: model.priceProvider });
    return toModelPrices(now?.model_price as Record<string, TablePrice> | undefined);
  }

  /** A model's table entry, looked up once (for a model whose prices change with time, only that fact). */
  #tableEntry(priceProvider: string, modelName: string): TableEntry {
    const key = `${priceProvider}\u0000${modelName}`;
    const cached = this.#staticPrices.get(key);
    if (cached !== undefined) return cached;
    const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, modelName, { providerId: priceProvider });
    const price = result?.model_price as Record<string, TablePrice> | undefined;
    // Conditional prices (a start date, off-peak hours) are left to calcPrice each time; the rest never change.
    const contextWindow = result?.model.context_window;
    // A model the table lacks may be one Tollgate prices itself (OpenAI's `tts-1`, billed by the character).
    const listed: TableEntry =
      result === null
        ? { known: false, contextWindow: undefined, conditional: false, prices: characterPrices(priceProvider, modelName), rates: undefined }
        : Array.isArray(result.model.prices)
          ? { known: true, contextWindow, conditional: true, prices: undefined, rates: undefined }
          : { known: true, contextWindow, conditional: false, prices: listedPrices(price), rates: price === undefined ? undefined : simpleRates(price) };
    const entry = withOriginImagePrice(listed, priceProvider, modelName);
    if (this.#staticPrices.size >= maxCachedModels) this.#staticPrices.clear();
    this.#staticPrices.set(key, entry);
    return entry;
  }

  contextWindow(model: PricedModel): number | undefined {
    return model.priceProvider === undefined ? undefined : this.#tableEntry(model.priceProvider, model.model).contextWindow;
  }

  costMicros(model: PricedModel, usage: Usage): number | undefined {
    const tier = model.serviceTier;
    if (isStandardTier(tier)) return this.#standardCostMicros(model, usage);
    const rule = tierRuleOf(model.priceProvider, tier!, model.model);
    const configured = this.#serviceTiers[`${model.provider}/${model.model}`] ?? this.#serviceTiers[model.model];
    if (configured?.[tier!] === undefined && rule?.kind === 'times') {
      // The standard cost's token part at the tier's factor (long-context tiers and conditional prices included), its fees as they are.
      const total = this.#standardCostMicros(model, usage);
      if (total === undefined) return undefined;
      const fees = this.#standardCostMicros(model, feesOnly(usage)) ?? 0;
      return Math.round((total - fees) * rule.factor) + fees;
    }
    const prices = this.#tierPrices(model, tier!, this.#standardPrices(model));
    if (prices !== undefined) return costAtPrices(prices, usage);
    this.#warnUnknownTier(model, tier!);
    return undefined;
  }

  #standardCostMicros(model: PricedModel, usage: Usage): number | undefined {
    const override = this.#override(model);
    if (override !== undefined) return costAtPrices(override, usage);
    if (model.priceProvider !== undefined) {
      // Simple static prices: the same arithmetic as calcPrice, without its ~10 µs per call (test: the whole table).
      const entry = this.#tableEntry(model.priceProvider, model.model);
      const usd = entry.rates === undefined ? undefined : simpleCost(entry.rates, usage);
      if (usd !== undefined) return toMicros(usd);
      const result = !entry.known ? null : calcPrice(
        {
          input_tokens: usage.prompt_tokens,
          output_tokens: usage.completion_tokens,
          cache_read_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
          cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
          cache_write_1h_tokens: usage.prompt_tokens_details?.cache_write_1h_tokens ?? 0,
          web_searches: usage.server_tool_use?.web_search_requests ?? 0,
          ...audioUsage(usage),
          ...imageUsage(usage),
        },
        model.model,
        { providerId: model.priceProvider },
      );
      if (result !== null) return toMicros(result.total_price);
      // Not in the table, priced by Tollgate.
      if (!entry.known && entry.prices !== undefined) return costAtPrices(entry.prices, usage);
    }
    this.#warnUnknown(model);
    return undefined;
  }

  #override(model: PricedModel): ModelPrices | undefined {
    return this.#overrides[`${model.provider}/${model.model}`] ?? this.#overrides[model.model];
  }

  #warnUnknownTier(model: PricedModel, tier: string): void {
    const key = `${model.provider}/${model.model}`;
    if (this.#warned.has(`${key}\u0000${tier}`)) return;
    this.#warned.add(`${key}\u0000${tier}`);
    this.#logger.warn(
      { provider: model.provider, model: model.model, serviceTier: tier },
      `no price for "${key}" at the "${tier}" service tier: its costs are recorded as unknown. Add it under the pricing plugin's serviceTiers.`,
    );
  }

  #warnUnknown(model: PricedModel): void {
    const key = `${model.provider}/${model.model}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn({ provider: model.provider, model: model.model }, `no price for "${key}": costs are recorded as unknown. Add it under the pricing plugin's overrides.`);
  }
}
