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
  /** Audio input tokens (of the prompt's, `prompt_tokens_details.audio_tokens`; GPT-4o transcribe models); defaults to `input`. */
  readonly audioInput?: number;
  /** Image input tokens (`prompt_tokens_details.image_tokens`: an image edit's uploads); defaults to `input`. */
  readonly imageInput?: number;
  /** Image output tokens (`completion_tokens_details.image_tokens`: GPT Image 1.5's $32 against its text's $10); defaults to `output`. */
  readonly imageOutput?: number;
  /** USD per hour of audio, for models billed by its length (Whisper: $0.36) rather than by tokens. */
  readonly audioHour?: number;
  /** USD per million characters of input, for models billed by the character (OpenAI's `tts-1`: $15). */
  readonly character?: number;
}

/** Which model a price is asked for: the provider instance, the id price tables know its upstream by, and the upstream model. */
export interface PricedModel {
  /** The provider instance name from the config (`openai`, `gpu-box`). */
  readonly provider: string;
  /** The provider's id in price tables (`openai`, `anthropic`, `openrouter`); undefined for self-hosted servers. */
  readonly priceProvider: string | undefined;
  /** The upstream model id. */
  readonly model: string;
  /**
   * The processing tier to price at: the one the upstream served the request at (OpenAI's `flex`,
   * `priority`), or the one a request asks for when a worst case is reserved. Undefined, `auto`,
   * `default` and `standard` mean the standard prices.
   */
  readonly serviceTier?: string | undefined;
}

/**
 * The processing tier a request's fields ask for: `service_tier` (OpenAI's `priority`, `flex`), else
 * `fast` for `speed: "fast"` (Claude's fast mode); undefined when they name none. Read of a request, a
 * client's body or a target's `params` alike.
 */
export function requestedServiceTier(fields: { readonly service_tier?: unknown; readonly speed?: unknown } | null | undefined): string | undefined {
  if (typeof fields?.service_tier === 'string') return fields.service_tier;
  return fields?.speed === 'fast' ? 'fast' : undefined;
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
  /** The model's context window in tokens, where the price source knows it (what `GET /v1/models` lists as `context_length`). */
  contextWindow?(model: PricedModel): number | undefined;
}

/**
 * The cost of `usage` at `prices`, in integer micro-dollars: uncached input, cached reads and cache
 * writes (hour-long ones at their own price) apart, audio and image input at their own prices, output (image output at its own), web
 * searches, the fee per request, the hours of audio of a model billed by duration, and the
 * characters of a model billed by the character.
 * For price sources that hold plain prices (pricing overrides, a catalog).
 */
export function costAtPrices(prices: ModelPrices, usage: Usage): number {
  const details = usage.prompt_tokens_details;
  const cacheRead = details?.cached_tokens ?? 0;
  const cacheWrite = details?.cache_write_tokens ?? 0;
  const hourWrites = Math.min(cacheWrite, details?.cache_write_1h_tokens ?? 0);
  const uncached = Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite);
  const audio = Math.min(uncached, details?.audio_tokens ?? 0);
  const image = Math.min(uncached - audio, details?.image_tokens ?? 0);
  const imageOutput = Math.min(usage.completion_tokens, usage.completion_tokens_details?.image_tokens ?? 0);
  const writePrice = prices.cacheWrite ?? prices.input;
  const writes = (cacheWrite - hourWrites) * writePrice + hourWrites * (prices.cacheWrite1h ?? writePrice);
  const inputUsd =
    (uncached - audio - image) * prices.input + audio * (prices.audioInput ?? prices.input) + image * (prices.imageInput ?? prices.input) + cacheRead * (prices.cacheRead ?? prices.input) + writes;
  const outputUsd = (usage.completion_tokens - imageOutput) * prices.output + imageOutput * (prices.imageOutput ?? prices.output);
  const tokensUsd = (inputUsd + outputUsd) / 1_000_000;
  const feesUsd = ((usage.server_tool_use?.web_search_requests ?? 0) * (prices.webSearch ?? 0) + (prices.request ?? 0) * (usage.billed_requests ?? 1)) / 1_000;
  const audioUsd = ((usage.audio_seconds ?? 0) * (prices.audioHour ?? 0)) / 3_600 + ((usage.input_characters ?? 0) * (prices.character ?? 0)) / 1_000_000;
  return Math.round((tokensUsd + feesUsd + audioUsd) * 1_000_000);
}

/** Service token of the price source. */
export const Pricing = createServiceToken<Pricing>('Pricing');
