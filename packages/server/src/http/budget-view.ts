import type { Budget } from '@tollgate/core';

/** A budget as the HTTP API shows it: US dollars, ISO 8601 times, snake_case. */
export function budgetView(budget: Budget) {
  return {
    scope: budget.scope,
    id: budget.id,
    period: budget.period,
    limit_usd: budget.limitMicros / 1_000_000,
    spent_usd: budget.spentMicros / 1_000_000,
    reserved_usd: budget.reservedMicros / 1_000_000,
    period_started_at: new Date(budget.periodStartedAt).toISOString(),
    resets_at: budget.resetsAt === undefined ? null : new Date(budget.resetsAt).toISOString(),
  };
}
