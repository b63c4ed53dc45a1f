import { describe, expect, it } from 'vitest';
import { imageOutputTokensAtMost } from './image-generation-request.js';

describe('imageOutputTokensAtMost', () => {
  it("gives OpenAI's published tokens per image at the sizes it lists, other sizes by their pixels", () => {
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'low' })).toBe(272);
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'medium' })).toBe(1056);
    expect(imageOutputTokensAtMost({ size: '1024x1536', quality: 'high' })).toBe(6240);
    expect(imageOutputTokensAtMost({ size: '1536x1024', quality: 'low' })).toBe(408);
    // A 4K image of a newer model: 3840×2160 is 7.9 times 1024×1024.
    expect(imageOutputTokensAtMost({ size: '3840x2160', quality: 'high' })).toBe(32_907);
  });

  it('assumes the dearest a request leaves open: high quality, the largest default size', () => {
    expect(imageOutputTokensAtMost({})).toBe(6240);
    expect(imageOutputTokensAtMost({ size: 'auto', quality: 'auto' })).toBe(6240);
    expect(imageOutputTokensAtMost({ size: '1024x1024' })).toBe(4160);
  });

  it('has no bound for a quality without a published figure', () => {
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'xhigh' })).toBeUndefined();
  });
});
