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

  it('adds the other instances\' use as an exchange answered it, less its own, and counts alone again ten seconds after the last exchange', () => {
    let now = 1_000_000;
    const quotas = new TargetQuotas({ now: () => now });
    expect(quotas.takeUnshared()).toEqual([]); // sharing starts: from here, counts are kept to share
    quotas.countRequest('azure/gpt-4o');
    quotas.countTokens('azure/gpt-4o', 50);
    const counts = quotas.takeUnshared();
    expect(counts).toEqual([{ target: 'azure/gpt-4o', requests: 1, tokens: 50 }]);
    expect(quotas.takeUnshared()).toEqual([]);

    // The fleet's minute: this instance's 1 request and 50 tokens, another's 2 and 100; a target this one never used, 4 requests.
    quotas.addOthersUse(['azure/gpt-4o', 'azure/gpt-4o-mini'], [{ requests: 3, tokens: 150 }, { requests: 4, tokens: 0 }]);
    expect(quotas.used('azure/gpt-4o')).toEqual({ requests: 3, tokens: 150 });
    expect(quotas.hasRoom('azure/gpt-4o', { rpm: 3 })).toBe(false);
    expect(quotas.hasRoom('azure/gpt-4o', { rpm: 4 })).toBe(true);
    expect(quotas.hasRoom('azure/gpt-4o-mini', { rpm: 4 })).toBe(false);
    // Counted here since the exchange: on top of the fleet's.
    quotas.countRequest('azure/gpt-4o');
    expect(quotas.used('azure/gpt-4o')).toEqual({ requests: 4, tokens: 150 });

    // An exchange that failed gives its counts back, for the next.
    const failed = quotas.takeUnshared();
    quotas.returnUnshared(failed);
    expect(quotas.takeUnshared()).toEqual([{ target: 'azure/gpt-4o', requests: 1, tokens: 0 }]);

    // Ten seconds without an exchange: the others' use is no longer trusted.
    now += 10_001;
    expect(quotas.used('azure/gpt-4o')).toEqual({ requests: 2, tokens: 50 });
    expect(quotas.hasRoom('azure/gpt-4o-mini', { rpm: 4 })).toBe(true);
  });
});
