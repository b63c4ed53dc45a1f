import type { StatementSync } from 'node:sqlite';
import { fromBudgetRow, periodEnd, periodStart, type Budget, type BudgetPeriod, type BudgetRow, type BudgetSubject } from '@tollgate/core';

/** A budget as a batch changes it. */
type WorkingBudget = { -readonly [K in keyof Budget]: Budget[K] };

/** The statements {@link BatchBudgets} reads and writes with. */
export interface BatchBudgetStatements {
  /** `SELECT * FROM tollgate_budgets WHERE scope = ? AND subject_id = ?` */
  readonly getBudget: StatementSync;
  /** `UPDATE tollgate_budgets SET spent_micros = ?, reserved_micros = ?, period_started_at = ? WHERE scope = ? AND subject_id = ?` */
  readonly writeBudget: StatementSync;
}

/**
 * The budgets one batch works on, inside its write transaction: each read once, its period rolled
 * over when a new one began, changed in memory by the batch's reservations and settlements, and
 * written back once before the commit. The write lock is held from the first read to the commit, so
 * nothing else changes them meanwhile: a batch of 14 reservations on one team costs one read and
 * one write of its budget instead of 14 of each.
 */
export class BatchBudgets {
  readonly #statements: BatchBudgetStatements;
  /** By `scope:id`; `null` when the subject has no budget. */
  #budgets = new Map<string, WorkingBudget | null>();
  readonly #changed = new Set<string>();

  constructor(statements: BatchBudgetStatements) {
    this.#statements = statements;
  }

  /** The subject's budget in the period that contains `now` (its spend reset when a new period began), or undefined. */
  current(subject: BudgetSubject, now: number): Budget | undefined {
    const key = `${subject.scope}:${subject.id}`;
    let budget = this.#budgets.get(key);
    if (budget === undefined) {
      const row = this.#statements.getBudget.get(subject.scope, subject.id) as BudgetRow | undefined;
      budget = row === undefined ? null : { ...fromBudgetRow(row) };
      this.#budgets.set(key, budget);
    }
    if (budget === null) return undefined;
    const start = periodStart(budget.period as BudgetPeriod, now);
    if (budget.periodStartedAt < start) {
      budget.spentMicros = 0;
      budget.periodStartedAt = start;
      budget.resetsAt = periodEnd(budget.period, start);
      this.#changed.add(key);
    }
    return budget;
  }

  /** Adds to a budget's hold (negative: releases, never below zero) and spend; returns the budget, or undefined when the subject has none. */
  change(subject: BudgetSubject, now: number, change: { readonly reservedMicros?: number; readonly spentMicros?: number }): Budget | undefined {
    const budget = this.current(subject, now) as WorkingBudget | undefined;
    if (budget === undefined) return undefined;
    budget.reservedMicros = Math.max(0, budget.reservedMicros + (change.reservedMicros ?? 0));
    budget.spentMicros += change.spentMicros ?? 0;
    this.#changed.add(`${subject.scope}:${subject.id}`);
    return budget;
  }

  /** What the batch holds now, to put back with {@link restore} when an operation fails under a savepoint. */
  snapshot(): Map<string, WorkingBudget | null> {
    return new Map([...this.#budgets].map(([key, budget]) => [key, budget === null ? null : { ...budget }]));
  }

  /** Puts back a {@link snapshot}. Budgets it does not know are read again (the savepoint rolled back nothing of theirs). */
  restore(snapshot: Map<string, WorkingBudget | null>): void {
    this.#budgets = snapshot;
    for (const key of this.#changed) if (!snapshot.has(key)) this.#changed.delete(key);
  }

  /** Writes every changed budget back; the caller commits. */
  writeBack(): void {
    for (const key of this.#changed) {
      const budget = this.#budgets.get(key);
      if (budget == null) continue;
      this.#statements.writeBudget.run(budget.spentMicros, budget.reservedMicros, budget.periodStartedAt, budget.scope, budget.id);
    }
  }
}
