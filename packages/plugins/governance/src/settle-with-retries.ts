import type { Budget, BudgetStore, BudgetSubject, Clock, Logger } from '@tollgate/core';

/** Settlements that failed are tried again this many times, 1 s, 2 s, 4 s… apart, before they are given up (logged). */
const settleRetries = 5;

/** A hold to settle, what it cost, and how to report on it. */
export interface Settlement {
  readonly id: string;
  readonly subjects: readonly BudgetSubject[];
  readonly costMicros: number;
  /** Names it in the logs: `budget settlement`, `budget lease settlement`. */
  readonly label: string;
  /** Fields of its log lines (`requestId`, `leaseId`). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Told the budgets as the settlement left them (budget alerts). */
  readonly onSettled?: ((settled: readonly Budget[]) => void) | undefined;
}

/**
 * Settles a hold; a failure is retried in the background, and given up (logged as an error: the hold
 * lapses, the cost is in the ledger but not in the budget) after {@link settleRetries} retries.
 * Resolves once the first attempt ended.
 */
export async function settleWithRetries(store: Pick<BudgetStore, 'settle'>, clock: Clock, logger: Logger, settlement: Settlement): Promise<void> {
  const attempt = async (retry: number): Promise<void> => {
    try {
      const settled = await store.settle(settlement.id, settlement.subjects, settlement.costMicros, clock.now());
      settlement.onSettled?.(settled);
    } catch (error) {
      if (retry >= settleRetries) {
        logger.error({ err: error, ...settlement.fields, costMicros: settlement.costMicros }, `${settlement.label} given up: the hold lapses, the cost is in the ledger but not in the budget`);
        return;
      }
      logger.warn({ err: error, ...settlement.fields, retry: retry + 1 }, `${settlement.label} failed; retrying`);
      setTimeout(() => void attempt(retry + 1), 1_000 * 2 ** retry).unref();
    }
  };
  await attempt(0);
}
