import { describe, expect, it } from 'vitest';
import { TargetQuotas } from './target-quotas.js';

describe('TargetQuotas', () => {
  it('counts requests and tokens over a sliding minute of one-second slots', () => {
    let now = 1_000_000;
    const quotas = new TargetQuotas({ now: () => now });
    const quota = { rpm: 3, tpm: 1_000 };
    expect(quotas.hasRoom('azure/gpt-4o', quota)).toBe(true);
    quotas.countRequest('azure/gpt-4o');
    now += 20_000;
    quotas.countRequest('azure/gpt-4o');
    quotas.countRequest('azure/gpt-4o');
    expect(quotas.hasRoom('azure/gpt-4o', quota)).toBe(false);
    // Another target's quota is its own.
    expect(quotas.hasRoom('openai/gpt-4o', quota)).toBe(true);
    // The first request leaves the window a minute after it was counted.
    expect(quotas.msUntilRoom('azure/gpt-4o')).toBe(40_000);
    now += 40_000;
    expect(quotas.hasRoom('azure/gpt-4o', quota)).toBe(true);
    // Tokens: room while under the quota.
    quotas.countTokens('azure/gpt-4o', 999);
    expect(quotas.hasRoom('azure/gpt-4o', { tpm: 1_000 })).toBe(true);
    quotas.countTokens('azure/gpt-4o', 1);
    expect(quotas.hasRoom('azure/gpt-4o', { tpm: 1_000 })).toBe(false);
    now += 61_000;
    expect(quotas.hasRoom('azure/gpt-4o', quota)).toBe(true);
    expect(quotas.msUntilRoom('azure/gpt-4o')).toBe(0);
  });
});
