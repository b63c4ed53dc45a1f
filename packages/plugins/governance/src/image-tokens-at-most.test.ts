import { describe, expect, it } from 'vitest';
import type { Provider, RouteTarget } from '@tollgate/core';
import { imageTokenFloor, imageTokensAtMost } from './image-tokens-at-most.js';

const target = (priceProvider: string | undefined, model: string) => ({ provider: { name: 'p', priceProvider } as unknown as Provider, model, id: `p/${model}` }) as RouteTarget;

describe('imageTokensAtMost', () => {
  it('knows the OpenAI models that bill an image above the pixel rule, on OpenAI, Azure and OpenRouter', () => {
    expect(imageTokensAtMost(target('openai', 'gpt-4o-mini'))).toBe(48_169);
    expect(imageTokensAtMost(target('azure', 'gpt-4o-mini-2024-07-18'))).toBe(48_169);
    expect(imageTokensAtMost(target('openrouter', 'openai/gpt-4.1-nano'))).toBe(3_779);
    expect(imageTokensAtMost(target('openai', 'gpt-5-mini'))).toBe(2_489);
    expect(imageTokensAtMost(target('openai', 'gpt-5.4-nano'))).toBe(3_779);
    expect(imageTokensAtMost(target('openai', 'o4-mini'))).toBe(2_642);
  });

  it('has no bound for other models, other makers, or a self-hosted model of the same name', () => {
    for (const other of [target('openai', 'gpt-4o'), target('openai', 'gpt-4o-mini-tts'), target('anthropic', 'claude-sonnet-4-5'), target(undefined, 'gpt-4o-mini'), target('openrouter', 'google/gemini-2.5-flash')]) {
      expect(imageTokensAtMost(other), other.model).toBeUndefined();
    }
    expect(imageTokenFloor([target('openai', 'gpt-4o')], [target('openai', 'gpt-4o-mini')])).toBe(48_169);
    expect(imageTokenFloor([target('anthropic', 'claude-sonnet-4-5')], [])).toBe(0);
  });
});
