import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { periodEnd, type Budget, type BudgetStore, type BudgetSubject } from '@tollgate/core';
import { budgetStoreConformanceChecks } from './budget-store-conformance.js';

/**
 * The store LiteLLM-style budgets amount to: read the spend, await, then write — so concurrent
 * requests all see room — with no expiry and no periods.
 */
function checkThenChargeStore(): BudgetStore {
  const budgets = new Map<string, Budget>();
  const holds = new Map<string, number>();
  const name = (subject: BudgetSubject) => `${subject.scope}:${subject.id}`;
  return {
    async reserve(request) {
      for (const subject of request.subjects) {
        const budget = budgets.get(name(subject));
        await tick();
        if (budget !== undefined && budget.spentMicros + budget.reservedMicros + request.amountMicros > budget.limitMicros) {
          return { ok: false, budget, availableMicros: budget.limitMicros - budget.spentMicros - budget.reservedMicros };
        }
        if (budget !== undefined) budgets.set(name(subject), { ...budgets.get(name(subject))!, reservedMicros: budgets.get(name(subject))!.reservedMicros + request.amountMicros });
      }
      holds.set(request.id, request.amountMicros);
      return { ok: true };
    },
    async settle(id, subjects, cost) {
      for (const subject of subjects) {
        const budget = budgets.get(name(subject));
        if (budget !== undefined) budgets.set(name(subject), { ...budget, spentMicros: budget.spentMicros + cost, reservedMicros: budget.reservedMicros - (holds.get(id) ?? 0) });
      }
      holds.delete(id);
      return [];
    },
    async setBudget(subject, limitMicros, period, now) {
      const budget: Budget = { ...subject, limitMicros, period, spentMicros: 0, reservedMicros: 0, periodStartedAt: now, resetsAt: periodEnd(period, now) };
      budgets.set(name(subject), budget);
      return budget;
    },
    async removeBudget(subject) {
      return budgets.delete(name(subject));
    },
    async getBudgets(subjects) {
      return subjects.map((subject) => budgets.get(name(subject))).filter((budget) => budget !== undefined);
    },
    async countReservations() {
      return holds.size;
    },
  };
}

describe('the budget store conformance checks', () => {
  it('catch a check-then-charge store, naming each broken contract point and its fix', async () => {
    const failures: string[] = [];
    for (const check of budgetStoreConformanceChecks({ open: async () => ({ store: checkThenChargeStore(), dispose: async () => {} }) })) {
      await check.run().catch((error: Error) => failures.push(error.message));
    }
    expect(failures.join('\n')).toContain('BudgetStore contract — exactly limit ÷ amount reservations succeed under concurrency');
    expect(failures.join('\n')).toContain('fix:  Check and hold in one atomic step');
    expect(failures.join('\n')).toContain('a refused reservation holds nothing on any level');
    expect(failures.join('\n')).toContain('a hold past its expiry no longer counts');
    expect(failures.join('\n')).toContain('a monthly budget resets on the first of the month');
  });
});
