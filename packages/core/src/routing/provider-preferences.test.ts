import { describe, expect, it } from 'vitest';
import type { Provider } from '../provider/provider.js';
import type { RouteTarget } from '../provider/route-target.js';
import { applyProviderPreferences, readProviderPreferences, type SortTargets } from './provider-preferences.js';

const target = (provider: string, priceProvider: string | undefined, model: string, price?: { input: number; output: number }): RouteTarget =>
  ({ provider: { name: provider, priceProvider } as unknown as Provider, model, id: `${provider}/${model}`, ...(price === undefined ? {} : { price }) }) as RouteTarget;

// A group of Claude on Bedrock, GPT on Azure, a vLLM box, and OpenRouter for the rest.
const group = [
  target('bedrock', 'aws', 'claude-sonnet', { input: 3, output: 15 }),
  target('azure', 'azure', 'gpt-4.1', { input: 2, output: 8 }),
  target('gpu-box', undefined, 'qwen3'),
  target('or', 'openrouter', 'qwen/qwen3', { input: 0.2, output: 0.6 }),
];
const byPrice: SortTargets = (targets) => [...targets].sort((a, b) => (a.price?.input ?? Infinity) - (b.price?.input ?? Infinity));
const ids = (preferences: unknown) => applyProviderPreferences(group, readProviderPreferences(preferences)!, byPrice, 'coder').map((entry) => entry.id);

describe("OpenRouter's provider preferences on a group", () => {
  it('names a provider by its config name or its maker, OpenRouter slugs included', () => {
    expect(ids({ order: ['amazon-bedrock'] })[0]).toBe('bedrock/claude-sonnet');
    expect(ids({ order: ['azure', 'gpu-box'] }).slice(0, 2)).toEqual(['azure/gpt-4.1', 'gpu-box/qwen3']);
    expect(ids({ ignore: ['aws', 'azure'] })).toEqual(['gpu-box/qwen3', 'or/qwen/qwen3']);
  });

  it('keeps the OpenRouter target for names only OpenRouter can answer to, which it applies itself', () => {
    expect(ids({ only: ['deepinfra'] })).toEqual(['or/qwen/qwen3']);
    expect(ids({ only: ['azure', 'deepinfra'] })).toEqual(['azure/gpt-4.1', 'or/qwen/qwen3']);
    expect(ids({ only: ['azure'] })).toEqual(['azure/gpt-4.1']);
    expect(ids({ order: ['deepinfra'], allow_fallbacks: false })).toEqual(['or/qwen/qwen3']);
  });

  it('sorts, caps the price, and without fallbacks keeps the first target or those ordered', () => {
    expect(ids({ sort: 'price' })).toEqual(['or/qwen/qwen3', 'azure/gpt-4.1', 'bedrock/claude-sonnet', 'gpu-box/qwen3']);
    // A target without a known price (self-hosted) is within any cap.
    expect(ids({ max_price: { prompt: 2.5, completion: 10 } })).toEqual(['azure/gpt-4.1', 'gpu-box/qwen3', 'or/qwen/qwen3']);
    expect(ids({ allow_fallbacks: false })).toEqual(['bedrock/claude-sonnet']);
    expect(ids({ order: ['azure', 'aws'], allow_fallbacks: false })).toEqual(['azure/gpt-4.1', 'bedrock/claude-sonnet']);
  });

  it('refuses preferences no target meets (404) and fields of the wrong type (400), naming them', () => {
    expect(() => applyProviderPreferences(group.slice(0, 3), readProviderPreferences({ only: ['deepinfra'] })!, byPrice, 'coder')).toThrow(/No target of model "coder" meets the request's provider preferences/);
    expect(() => readProviderPreferences({ allow_fallbacks: 'no' })).toThrow(/provider.allow_fallbacks/);
    expect(() => readProviderPreferences({ max_price: { prompt: '1' } })).toThrow(/provider.max_price/);
    expect(readProviderPreferences(undefined)).toBeUndefined();
    expect(readProviderPreferences({ data_collection: 'deny' })).toEqual({});
  });
});
