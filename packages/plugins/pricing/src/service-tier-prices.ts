import type { ModelPrices } from '@tollgate/core';

/**
 * Tier names that mean a provider's standard prices: OpenAI's `auto` and `default`, Anthropic's
 * `standard` and `standard_only`, Groq's `on_demand`.
 */
const standardTierNames = new Set(['auto', 'default', 'standard', 'standard_only', 'on_demand']);

/** Whether a tier is priced at the standard prices: none named, or one of {@link standardTierNames}. */
export function isStandardTier(tier: string | undefined): boolean {
  return tier === undefined || standardTierNames.has(tier);
}

/**
 * OpenAI's Priority processing prices in USD per million tokens — input, cached input, output — as
 * https://openai.com/api-priority-processing/ lists them (read 2026-12-07). Requests past ~128K prompt
 * tokens are not served at this tier (the answer then says `default`).
 */
const openAIPriorityPrices: Readonly<Record<string, readonly [input: number, cacheRead: number | undefined, output: number]>> = {
  'gpt-5.5': [12.5, 1.25, 75],
  'gpt-5.4': [5, 0.5, 30],
  'gpt-5.4-mini': [1.5, 0.15, 9],
  'gpt-5.2': [3.5, 0.35, 28],
  'gpt-5.1': [2.5, 0.25, 20],
  'gpt-5.1-codex': [2.5, 0.25, 20],
  'gpt-5': [2.5, 0.25, 20],
  'gpt-5-codex': [2.5, 0.25, 20],
  'gpt-5-mini': [0.45, 0.045, 3.6],
  'gpt-4.1': [3.5, 0.875, 14],
  'gpt-4.1-mini': [0.7, 0.175, 2.8],
  'gpt-4.1-nano': [0.2, 0.05, 0.8],
  'gpt-4o': [4.25, 2.125, 17],
  'gpt-4o-2024-05-13': [8.75, undefined, 26.25],
  'gpt-4o-mini': [0.25, 0.125, 1],
  o3: [3.5, 0.875, 14],
  'o4-mini': [2, 0.5, 8],
};

/** A dated snapshot's suffix (`gpt-4.1-2025-04-14`): the snapshot is priced as its model. */
const snapshotSuffix = /-\d{4}-\d{2}-\d{2}$/;

/** OpenAI's Priority price of a model or of its dated snapshot, with the standard tier's fees per call and per search; undefined when OpenAI lists none. */
export function openAIPriorityPricesOf(model: string, standard: ModelPrices | undefined): ModelPrices | undefined {
  const listed = openAIPriorityPrices[model] ?? openAIPriorityPrices[model.replace(snapshotSuffix, '')];
  if (listed === undefined) return undefined;
  const [input, cacheRead, output] = listed;
  return {
    input,
    output,
    ...(cacheRead === undefined ? {} : { cacheRead }),
    ...(standard?.webSearch === undefined ? {} : { webSearch: standard.webSearch }),
    ...(standard?.request === undefined ? {} : { request: standard.request }),
  };
}

/** Token prices at `factor` (Flex processing: half), fees per search and per call unchanged. */
export function tokenPricesTimes(prices: ModelPrices, factor: number): ModelPrices {
  const { cacheRead, cacheWrite, cacheWrite1h, maxInput, longContext, audioInput } = prices;
  return {
    ...prices,
    input: prices.input * factor,
    output: prices.output * factor,
    ...(cacheRead === undefined ? {} : { cacheRead: cacheRead * factor }),
    ...(cacheWrite === undefined ? {} : { cacheWrite: cacheWrite * factor }),
    ...(cacheWrite1h === undefined ? {} : { cacheWrite1h: cacheWrite1h * factor }),
    ...(maxInput === undefined ? {} : { maxInput: maxInput * factor }),
    ...(audioInput === undefined ? {} : { audioInput: audioInput * factor }),
    ...(longContext === undefined ? {} : { longContext: { fromTokens: longContext.fromTokens, maxInput: longContext.maxInput * factor, maxOutput: longContext.maxOutput * factor } }),
  };
}

/**
 * Claude's fast mode (`speed: "fast"`, answered with `usage.speed: "fast"`): the multiple of the
 * standard rates each model is charged at, cache reads and writes included, across the whole context
 * window — Opus 4.6 and 4.7 at $30 / $150 per million tokens, Opus 4.8 and Opus 5 at $10 / $50
 * (platform.claude.com's fast mode page, read 2026-12-07; Opus 5's from its fast listing at OpenRouter
 * and Vercel). Dated snapshots as their model.
 */
const claudeFastModeFactors: readonly (readonly [model: RegExp, factor: number])[] = [
  [/^claude-opus-4-[67](-\d{8})?$/, 6],
  [/^claude-opus-4-8(-\d{8})?$/, 2],
  [/^claude-opus-5(-\d{8})?$/, 2],
];

/**
 * How a price provider charges a tier other than its standard one, where Tollgate knows it: OpenAI's
 * Priority from its list; Flex at half the standard prices on OpenAI and Azure OpenAI (their Batch
 * rates); Groq's Flex at its on-demand prices; Claude's fast mode at its model's multiple on
 * Anthropic's API, and at the standard prices elsewhere (only Anthropic's API takes `speed`).
 * Undefined for any other tier: its prices are unknown.
 */
export type TierRule = { readonly kind: 'openai-priority' } | { readonly kind: 'times'; readonly factor: number };

/** The rule that prices `tier` for `model` at `priceProvider`, if Tollgate knows one. */
export function tierRuleOf(priceProvider: string | undefined, tier: string, model: string): TierRule | undefined {
  if (tier === 'priority' && priceProvider === 'openai') return { kind: 'openai-priority' };
  // Flex is half the standard prices on OpenAI's API, Azure's and the Gemini API.
  if (tier === 'flex' && (priceProvider === 'openai' || priceProvider === 'azure' || priceProvider === 'google')) return { kind: 'times', factor: 0.5 };
  if (tier === 'flex' && priceProvider === 'groq') return { kind: 'times', factor: 1 };
  if (tier === 'fast' && priceProvider !== 'anthropic') return { kind: 'times', factor: 1 };
  if (tier === 'fast') {
    const factor = claudeFastModeFactors.find(([pattern]) => pattern.test(model))?.[1];
    return factor === undefined ? undefined : { kind: 'times', factor };
  }
  return undefined;
}
