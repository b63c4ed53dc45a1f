import type { Usage } from '../types/usage.js';
import { createServiceToken } from './service-token.js';

/** A model's prices in USD per million tokens (web searches and requests per thousand). */
export interface ModelPrices {
  readonly input: number;
  readonly output: number;
  /** Cached input read (defaults to `input` when a table gives none). */
  readonly cacheRead?: number;
  /** Input written to a cache (defaults to `input`). */
  readonly cacheWrite?: number;
  /** Input written to a cache for an hour (Anthropic's 1-hour TTL; defaults to `cacheWrite`). */
  readonly cacheWrite1h?: number;
  /**
   * The dearest an input token may be charged below any long-context tier — written to a cache, for an
   * hour — for worst-case estimates; absent when `input` is it.
   */
  readonly maxInput?: number;
  /**
   * A long-context tier (Claude Sonnet 4.5 past 200K input tokens, GPT-5.4 past 272K): past
   * `fromTokens` input tokens, the dearest an input token (its cache writes included) and an output
   * token may be charged. Worst-case estimates of longer prompts use them.
   */
  readonly longContext?: { readonly fromTokens: number; readonly maxInput: number; readonly maxOutput: number };
  /** USD per 1,000 web searches the upstream runs as a server tool (Anthropic's, OpenAI's built-in). */
  readonly webSearch?: number;
  /** USD per 1,000 requests: a fee per call whatever its tokens (Perplexity's Sonar models). */
  readonly request?: number;
}

/** Which model a price is asked for: the provider instance, the id price tables know its upstream by, and the upstream model. */
export interface PricedModel {
  /** The provider instance name from the config (`openai`, `gpu-box`). */
  readonly provider: string;
  /** The provider's id in price tables (`openai`, `anthropic`, `openrouter`); undefined for self-hosted servers. */
  readonly priceProvider: string | undefined;
  /** The upstream model id. */
  readonly model: string;
}

/**
 * Prices models and requests. The engine asks for a finished request's cost (unless the provider
 * reported one); budgets ask for prices to reserve a worst case; `lowest-cost` routing orders by them.
 * Unknown means undefined — never a silent 0.
 */
export interface Pricing {
  prices(model: PricedModel): ModelPrices | undefined;
  /** The cost of `usage` in integer micro-dollars, or undefined when the model's price is unknown. */
  costMicros(model: PricedModel, usage: Usage): number | undefined;
}

/** Service token of the price source. */
export const Pricing = createServiceToken<Pricing>('Pricing');
