import { describe, expect, it } from 'vitest';
import { originImageOutputPrice } from './origin-image-prices.js';

describe('originImageOutputPrice', () => {
  it("gives an OpenRouter model its maker's image output price, and nothing to a variant, another price provider or a model without one", () => {
    expect(originImageOutputPrice('openrouter', 'google/gemini-2.5-flash-image')).toBe(30);
    expect(originImageOutputPrice('openrouter', 'google/gemini-3-pro-image-preview')).toBe(120);
    // A `:free` variant is priced as itself (free), never at its base model's price.
    expect(originImageOutputPrice('openrouter', 'google/gemini-2.5-flash-image:free')).toBeUndefined();
    expect(originImageOutputPrice('google', 'gemini-2.5-flash-image')).toBeUndefined();
    expect(originImageOutputPrice('openrouter', 'openai/gpt-4o-mini')).toBeUndefined();
    expect(originImageOutputPrice('openrouter', 'no-maker-prefix')).toBeUndefined();
  });
});
