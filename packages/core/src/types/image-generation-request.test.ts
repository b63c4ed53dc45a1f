import { describe, expect, it } from 'vitest';
import { imageOutputTokensAtMost, inputImageTokensAtMost } from './image-generation-request.js';

describe('imageOutputTokensAtMost', () => {
  it("gives the larger of GPT Image 1's published tokens per image and GPT Image 2's formula", () => {
    // GPT Image 1's table where it is the larger.
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'low' })).toBe(272);
    expect(imageOutputTokensAtMost({ size: '1024x1536', quality: 'high' })).toBe(6240);
    expect(imageOutputTokensAtMost({ size: '1536x1024', quality: 'low' })).toBe(408);
    // A 4K image: 3840×2160 is 7.9 times 1024×1024 (GPT Image 2's formula gives 13,341).
    expect(imageOutputTokensAtMost({ size: '3840x2160', quality: 'high' })).toBe(32_907);
    // GPT Image 2's where it is: 7,024 for a high-quality square image (GPT Image 1: 4,160), 1,756 at medium (1,056).
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'high' })).toBe(7024);
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'medium' })).toBe(1756);
  });

  it('assumes the dearest a request leaves open: high quality, the largest default size', () => {
    expect(imageOutputTokensAtMost({})).toBe(6240);
    expect(imageOutputTokensAtMost({ size: 'auto', quality: 'auto' })).toBe(6240);
    expect(imageOutputTokensAtMost({ size: '1024x1024' })).toBe(7024);
  });

  it('has no bound for a quality without a published figure', () => {
    expect(imageOutputTokensAtMost({ size: '1024x1024', quality: 'xhigh' })).toBeUndefined();
  });
});

describe('inputImageTokensAtMost', () => {
  it("counts 65 and 129 a 512-pixel tile of the image as sent, above what OpenAI bills after scaling it down", () => {
    expect(inputImageTokensAtMost({ width: 512, height: 512 })).toBe(194);
    expect(inputImageTokensAtMost({ width: 1024, height: 1024 })).toBe(581);
    expect(inputImageTokensAtMost({ width: 1025, height: 700 })).toBe(65 + 129 * 6);
    expect(inputImageTokensAtMost({ width: undefined, height: undefined })).toBeUndefined();
  });
});
