import { describe, expect, it } from 'vitest';
import type { Logger } from '../services/logger.js';
import { silentLogger } from '../services/logger.js';
import type { QuotaCount, SharedQuotaUse, TargetQuotaExchange } from '../services/target-quota-exchange.js';
import { QuotaSharing } from './quota-sharing.js';
import { TargetQuotas } from './target-quotas.js';

/** An exchange that keeps the fleet's totals in memory, and fails while `down`. */
class MemoryExchange implements TargetQuotaExchange {
  readonly intervalMs = 1_000;
  readonly totals = new Map<string, { requests: number; tokens: number }>();
  readonly sent: QuotaCount[][] = [];
  down = false;

  async exchange(counts: readonly QuotaCount[], targets: readonly string[]): Promise<readonly SharedQuotaUse[]> {
    if (this.down) throw new Error('connection refused');
    this.sent.push([...counts]);
    for (const count of counts) {
      const total = this.totals.get(count.target) ?? { requests: 0, tokens: 0 };
      this.totals.set(count.target, { requests: total.requests + count.requests, tokens: total.tokens + count.tokens });
    }
    return targets.map((target) => this.totals.get(target) ?? { requests: 0, tokens: 0 });
  }
}

describe('QuotaSharing', () => {
  it('sends the counts since the last exchange, keeps those of a failed one for the next, and logs a failure', async () => {
    const exchange = new MemoryExchange();
    const errors: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (fields: unknown) => void errors.push(fields) };
    const quotas = new TargetQuotas({ now: () => 1_000_000 });
    const sharing = new QuotaSharing(quotas, exchange, ['east/gpt-4o'], logger);
    sharing.start();
    try {
      exchange.totals.set('east/gpt-4o', { requests: 5, tokens: 0 }); // another instance's
      quotas.countRequest('east/gpt-4o');
      await sharing.exchangeNow();
      expect(exchange.sent.at(-1)).toEqual([{ target: 'east/gpt-4o', requests: 1, tokens: 0 }]);
      expect(quotas.used('east/gpt-4o')).toEqual({ requests: 6, tokens: 0 });

      exchange.down = true;
      quotas.countRequest('east/gpt-4o');
      await sharing.exchangeNow();
      expect(errors).toHaveLength(1);
      exchange.down = false;
      quotas.countTokens('east/gpt-4o', 40);
      await sharing.exchangeNow();
      // The failed exchange's request went with the next one.
      expect(exchange.sent.at(-1)).toEqual([{ target: 'east/gpt-4o', requests: 1, tokens: 40 }]);
      expect(quotas.used('east/gpt-4o')).toEqual({ requests: 7, tokens: 40 });
    } finally {
      await sharing.stop();
    }
  });
});
