import type { RouteTarget } from '@tollgate/core';

/**
 * OpenAI models that bill an input image at more tokens than the pixel rule holds, and the most one
 * image may cost each (OpenAI's vision pricing): GPT-4o mini 2,833 tokens and 5,667 a 512-pixel tile
 * (8 tiles at most, once scaled into 2,048 × 768), priced to match GPT-4o's images; the patch models
 * 1,536 32-pixel patches times their multiplier (GPT-4.1 and GPT-5 nano 2.46, o4-mini 1.72, GPT-4.1
 * and GPT-5 mini 1.62).
 */
const imageBounds: readonly (readonly [RegExp, number])[] = [
  [/^gpt-4o-mini(-\d{4}-\d{2}-\d{2})?$/, 2_833 + 5_667 * 8],
  [/^gpt-(4\.1|5(\.\d+)?)-nano(-\d{4}-\d{2}-\d{2})?$/, Math.ceil(1_536 * 2.46)],
  [/^o4-mini(-\d{4}-\d{2}-\d{2})?$/, Math.ceil(1_536 * 1.72)],
  [/^gpt-(4\.1|5(\.\d+)?)-mini(-\d{4}-\d{2}-\d{2})?$/, Math.ceil(1_536 * 1.62)],
];

/** The price providers that serve OpenAI's models under their own names; OpenRouter names them `openai/…`. */
const openAIHosts = new Set(['openai', 'azure']);

/**
 * The most input tokens one image may cost on a target whose model bills images above the pixel rule
 * (see {@link imageBounds}); undefined for any other.
 */
export function imageTokensAtMost(target: RouteTarget): number | undefined {
  const known = boundsByTarget.get(target);
  if (known !== undefined) return known ?? undefined;
  const bound = boundOf(target);
  boundsByTarget.set(target, bound ?? null);
  return bound;
}

/** Each target's bound, found once (a route's targets are built once). */
const boundsByTarget = new WeakMap<RouteTarget, number | null>();

function boundOf(target: RouteTarget): number | undefined {
  const priceProvider = target.provider.priceProvider;
  const model = priceProvider === 'openrouter' && target.model.startsWith('openai/') ? target.model.slice('openai/'.length) : openAIHosts.has(priceProvider ?? '') ? target.model : undefined;
  if (model === undefined) return undefined;
  for (const [pattern, tokens] of imageBounds) if (pattern.test(model)) return tokens;
  return undefined;
}

/** The most any of a request's targets may bill for one image, beyond the pixel rule: 0 when none does. */
export function imageTokenFloor(targets: readonly RouteTarget[], fallbackTargets: readonly RouteTarget[] | undefined): number {
  let floor = 0;
  for (const target of targets) floor = Math.max(floor, imageTokensAtMost(target) ?? 0);
  for (const target of fallbackTargets ?? []) floor = Math.max(floor, imageTokensAtMost(target) ?? 0);
  return floor;
}
