import { describe, expect, it } from 'vitest';
import { costAtPrices } from './pricing.js';

const usage = (prompt: number, completion: number, extra: object = {}) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...extra });

describe('costAtPrices', () => {
  it('prices input, cached reads and output apart, in integer micro-dollars', () => {
    // 600 uncached tokens at $2, 400 cached at $0.50, 100 output at $8 per million: 1,200 + 200 + 800.
    expect(costAtPrices({ input: 2, output: 8, cacheRead: 0.5 }, usage(1_000, 100, { prompt_tokens_details: { cached_tokens: 400 } }))).toBe(2_200);
  });

  it('prices audio input tokens at their own price, as part of the prompt', () => {
    // 10 text tokens at $2.50, 200 audio tokens at $6, 7 output tokens at $10 per million.
    expect(costAtPrices({ input: 2.5, output: 10, audioInput: 6 }, usage(210, 7, { prompt_tokens_details: { audio_tokens: 200 } }))).toBe(1_295);
    // Without an audio price, audio tokens are input tokens.
    expect(costAtPrices({ input: 2.5, output: 10 }, usage(210, 7, { prompt_tokens_details: { audio_tokens: 200 } }))).toBe(595);
  });

  it("prices image tokens at their own prices: an edit's uploads as input, the images as output", () => {
    // 6 text tokens at $5, 517 image tokens at $8 in; 272 image tokens at $32 and 10 text tokens at $10 out.
    const edit = usage(523, 282, { prompt_tokens_details: { image_tokens: 517 }, completion_tokens_details: { image_tokens: 272 } });
    expect(costAtPrices({ input: 5, output: 10, imageInput: 8, imageOutput: 32 }, edit)).toBe(30 + 4_136 + 8_704 + 100);
    // Without image prices, image tokens are input and output tokens.
    expect(costAtPrices({ input: 5, output: 10 }, edit)).toBe(2_615 + 2_820);
  });

  it('prices a model billed by the hour of audio by the seconds it read, and a fee per request once per billed request', () => {
    // 90 seconds at $0.36 an hour.
    expect(costAtPrices({ input: 0, output: 0, audioHour: 0.36 }, usage(0, 0, { audio_seconds: 90 }))).toBe(9_000);
    // Three images at $40 per thousand.
    expect(costAtPrices({ input: 0, output: 0, request: 40 }, usage(0, 0, { billed_requests: 3 }))).toBe(120_000);
  });
});
