import type { Budget, Logger } from '@tollgate/core';
import type { GovernanceOptions } from './governance-options.js';

/** What a budget alert's webhook receives. */
export interface BudgetAlert {
  readonly type: 'budget.threshold';
  readonly scope: Budget['scope'];
  readonly id: string;
  /** The fraction of the limit crossed (0.8 = 80 %). */
  readonly threshold: number;
  readonly limit_usd: number;
  readonly spent_usd: number;
  readonly period: Budget['period'];
  readonly resets_at: string | null;
}

/**
 * Sends budget alerts: for each budget a settlement left, every threshold its spend crossed with
 * this settlement's cost (before < threshold × limit ≤ after). Settlements of one budget are
 * serialized by the store, so exactly one settlement sees each crossing. Delivery is off the request
 * path: one POST with a timeout; a failure is logged, not retried.
 */
export function createBudgetAlerts(options: NonNullable<GovernanceOptions['alerts']>, logger: Logger): (settled: readonly Budget[], costMicros: number) => void {
  const send = async (alert: BudgetAlert) => {
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) logger.warn({ status: response.status, scope: alert.scope, id: alert.id, threshold: alert.threshold }, 'budget alert webhook refused the alert');
    } catch (error) {
      logger.warn({ err: error, scope: alert.scope, id: alert.id, threshold: alert.threshold }, 'budget alert webhook failed');
    }
  };
  return (settled, costMicros) => {
    if (costMicros <= 0) return;
    for (const budget of settled) {
      const before = budget.spentMicros - costMicros;
      for (const threshold of options.thresholds) {
        const line = threshold * budget.limitMicros;
        if (before < line && budget.spentMicros >= line) {
          void send({
            type: 'budget.threshold',
            scope: budget.scope,
            id: budget.id,
            threshold,
            limit_usd: budget.limitMicros / 1_000_000,
            spent_usd: budget.spentMicros / 1_000_000,
            period: budget.period,
            resets_at: budget.resetsAt === undefined ? null : new Date(budget.resetsAt).toISOString(),
          });
        }
      }
    }
  };
}
