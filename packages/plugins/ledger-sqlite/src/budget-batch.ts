import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { fromBudgetRow, periodStart, type Budget, type BudgetPeriod, type BudgetRow, type BudgetSubject, type ReservationRequest } from '@tollgate/core';

/** One budget operation of a batch. */
export type BudgetWork =
  | { readonly op: 'reserve'; readonly request: ReservationRequest }
  | { readonly op: 'settle'; readonly reservationId: string; readonly subjects: readonly BudgetSubject[]; readonly costMicros: number; readonly now: number }
  | { readonly op: 'getBudgets'; readonly subjects: readonly BudgetSubject[]; readonly now: number };

/** How one operation of a batch ended. */
export type BudgetOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A hold row of `tollgate_reservations`. */
interface HoldRow {
  readonly scope: string;
  readonly subject_id: string;
  readonly amount_micros: number;
}

/**
 * The budget statements on one connection: a budget read with its period rolled over, and batches of
 * reservations, settlements and reads run in one `BEGIN IMMEDIATE` transaction. SQLite's write lock
 * orders batches across every process that opens the file, and each operation is judged against the
 * totals the previous ones left. Lapsed holds are released at the start of each batch.
 */
export class BudgetBatch {
  readonly #database: DatabaseSync;
  readonly #statements: Record<
    | 'getBudget' | 'rollPeriod' | 'hold' | 'insertHold' | 'lapsedHolds' | 'releaseHold' | 'deleteLapsed' | 'takeHolds' | 'charge'
    // Prepared once: `exec` compiles its SQL on every call (3.4 µs a savepoint pair, 1 µs prepared).
    | 'begin' | 'commit' | 'savepoint' | 'releaseSavepoint' | 'rollbackToSavepoint',
    StatementSync
  >;

  constructor(database: DatabaseSync) {
    this.#database = database;
    const prepare = (sql: string) => database.prepare(sql);
    this.#statements = {
      getBudget: prepare('SELECT * FROM tollgate_budgets WHERE scope = ? AND subject_id = ?'),
      rollPeriod: prepare('UPDATE tollgate_budgets SET spent_micros = 0, period_started_at = ? WHERE scope = ? AND subject_id = ? AND period_started_at < ?'),
      hold: prepare('UPDATE tollgate_budgets SET reserved_micros = reserved_micros + ? WHERE scope = ? AND subject_id = ?'),
      insertHold: prepare('INSERT INTO tollgate_reservations (id, scope, subject_id, amount_micros, expires_at) VALUES (?, ?, ?, ?, ?)'),
      lapsedHolds: prepare('SELECT scope, subject_id, amount_micros FROM tollgate_reservations WHERE expires_at <= ?'),
      releaseHold: prepare('UPDATE tollgate_budgets SET reserved_micros = MAX(0, reserved_micros - ?) WHERE scope = ? AND subject_id = ?'),
      deleteLapsed: prepare('DELETE FROM tollgate_reservations WHERE expires_at <= ?'),
      takeHolds: prepare('DELETE FROM tollgate_reservations WHERE id = ? RETURNING scope, subject_id, amount_micros'),
      charge: prepare('UPDATE tollgate_budgets SET spent_micros = spent_micros + ? WHERE scope = ? AND subject_id = ?'),
      begin: prepare('BEGIN IMMEDIATE'),
      commit: prepare('COMMIT'),
      savepoint: prepare('SAVEPOINT item'),
      releaseSavepoint: prepare('RELEASE item'),
      rollbackToSavepoint: prepare('ROLLBACK TO item'),
    };
  }

  /** The subject's budget, its spend reset first when a new period began (inside the batch's transaction). */
  #currentBudget(subject: BudgetSubject, now: number): Budget | undefined {
    const row = this.#statements.getBudget.get(subject.scope, subject.id) as BudgetRow | undefined;
    if (row === undefined) return undefined;
    const start = periodStart(row.period as BudgetPeriod, now);
    if (Number(row.period_started_at) >= start) return fromBudgetRow(row);
    this.#statements.rollPeriod.run(start, subject.scope, subject.id, start);
    return fromBudgetRow(this.#statements.getBudget.get(subject.scope, subject.id) as unknown as BudgetRow);
  }

  /**
   * Runs the operations in one write transaction, in order. They do not throw but on a database
   * error: they run plainly, and only if one throws, the batch runs again with a savepoint around
   * each, so the others still commit. Throws only when the transaction itself fails.
   */
  run(batch: readonly BudgetWork[]): BudgetOutcome[] {
    return this.#runInTransaction(batch, false) ?? this.#runInTransaction(batch, true)!;
  }

  #perform(work: BudgetWork): unknown {
    if (work.op === 'reserve') return this.#reserve(work.request);
    if (work.op === 'settle') return this.#settle(work.reservationId, work.subjects, work.costMicros, work.now);
    return work.subjects.map((subject) => this.#currentBudget(subject, work.now)).filter((budget) => budget !== undefined);
  }

  #reserve(request: ReservationRequest): unknown {
    const budgets: Budget[] = [];
    for (const subject of request.subjects) {
      const budget = this.#currentBudget(subject, request.now);
      if (budget === undefined) continue;
      const availableMicros = budget.limitMicros - budget.spentMicros - budget.reservedMicros;
      if (request.amountMicros > availableMicros) return { ok: false, budget, availableMicros: Math.max(0, availableMicros) };
      budgets.push(budget);
    }
    // Judged on every level under the write lock; now hold on all of them.
    for (const budget of budgets) {
      this.#statements.hold.run(request.amountMicros, budget.scope, budget.id);
      this.#statements.insertHold.run(request.id, budget.scope, budget.id, request.amountMicros, request.expiresAt);
    }
    return { ok: true };
  }

  #settle(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): Budget[] {
    for (const hold of this.#statements.takeHolds.all(reservationId) as unknown as HoldRow[]) {
      this.#statements.releaseHold.run(hold.amount_micros, hold.scope, hold.subject_id);
    }
    const settled: Budget[] = [];
    for (const subject of subjects) {
      const budget = this.#currentBudget(subject, now);
      if (budget === undefined) continue;
      this.#statements.charge.run(costMicros, subject.scope, subject.id);
      settled.push({ ...budget, spentMicros: budget.spentMicros + costMicros });
    }
    return settled;
  }

  #releaseLapsed(now: number): void {
    const lapsed = this.#statements.lapsedHolds.all(now) as unknown as HoldRow[];
    if (lapsed.length === 0) return;
    for (const hold of lapsed) this.#statements.releaseHold.run(hold.amount_micros, hold.scope, hold.subject_id);
    this.#statements.deleteLapsed.run(now);
  }

  /**
   * Runs a batch in one write transaction. Without savepoints, the first operation that throws rolls
   * the whole transaction back and the result is undefined; with them, each one's failure is its own.
   */
  #runInTransaction(batch: readonly BudgetWork[], savepoints: boolean): BudgetOutcome[] | undefined {
    const outcomes: BudgetOutcome[] = [];
    try {
      this.#statements.begin.run();
      let latest = 0;
      for (const work of batch) latest = Math.max(latest, work.op === 'reserve' ? work.request.now : work.now);
      this.#releaseLapsed(latest);
      for (const work of batch) {
        if (!savepoints) {
          outcomes.push({ ok: true, value: this.#perform(work) });
          continue;
        }
        this.#statements.savepoint.run();
        try {
          outcomes.push({ ok: true, value: this.#perform(work) });
          this.#statements.releaseSavepoint.run();
        } catch (error) {
          this.#statements.rollbackToSavepoint.run();
          this.#statements.releaseSavepoint.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.#statements.commit.run();
      return outcomes;
    } catch (error) {
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      if (!savepoints) return undefined;
      throw error;
    }
  }
}
