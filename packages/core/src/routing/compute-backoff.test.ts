import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random.js';
import { computeBackoff } from './compute-backoff.js';

const policy = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe('computeBackoff', () => {
  it('uses full jitter under an exponential, capped ceiling, never below a floor', () => {
    const random = seededRandom(3);
    for (const [retry, ceiling] of [[0, 200], [1, 400], [2, 800], [3, 1000], [6, 1000]] as const) {
      const delays = Array.from({ length: 500 }, () => computeBackoff(retry, policy, undefined, random)!);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.8); // spread over the whole range
    }
    expect(computeBackoff(0, policy, undefined, () => 0)).toBe(10);
  });

  it("honors retry-after up to the maximum wait, and gives up waiting beyond it", () => {
    expect(computeBackoff(0, policy, 1_000)).toBe(1_000);
    expect(computeBackoff(0, policy, 5_000)).toBe(5_000);
    expect(computeBackoff(0, policy, 5_001)).toBeUndefined();
    expect(computeBackoff(0, policy, 0)).toBe(10);
  });
});
