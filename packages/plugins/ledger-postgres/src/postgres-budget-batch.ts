import type pg from 'pg';
import { fromBudgetRow, periodStart, type Budget, type BudgetPeriod, type BudgetRow, type BudgetSubject, type ReservationRequest, type ReserveOutcome } from '@tollgate/core';

/** A reservation or a settlement waiting for the next batch. */
export type BudgetWork =
  | { readonly kind: 'reserve'; readonly request: ReservationRequest; resolve(outcome: ReserveOutcome): void; reject(error: unknown): void }
  | {
      readonly kind: 'settle';
      readonly id: string;
      readonly subjects: readonly BudgetSubject[];
      readonly costMicros: number;
      readonly now: number;
      resolve(settled: readonly Budget[]): void;
      reject(error: unknown): void;
    };

/** A budget row as the batch changes it in memory before writing it back. */
interface Working {
  scope: string;
  id: string;
  limitMicros: number;
  period: BudgetPeriod;
  spentMicros: number;
  reservedMicros: number;
  periodStartedAt: number;
  dirty: boolean;
}

const name = (scope: string, id: string) => `${scope}\u0000${id}`;

function snapshot(budget: Working): Budget {
  return fromBudgetRow({
    scope: budget.scope,
    subject_id: budget.id,
    limit_micros: budget.limitMicros,
    period: budget.period,
    spent_micros: budget.spentMicros,
    reserved_micros: budget.reservedMicros,
    period_started_at: budget.periodStartedAt,
  } satisfies BudgetRow);
}

/**
 * Runs a batch of reservations and settlements in one transaction on `client`: locks every budget row
 * the batch touches (`ORDER BY scope, subject_id FOR UPDATE`, one lock order for every transaction),
 * releases lapsed holds and starts new periods, applies the settlements, then judges the reservations
 * one after another against the totals in memory, and writes every changed row back in one
 * statement. About seven round trips whatever the batch's size, so a hot budget (one team's row)
 * is locked once per batch rather than once per request. Returns each item's outcome, in order; the
 * caller resolves them after the commit.
 */
export async function runBudgetBatch(client: pg.PoolClient, batch: readonly BudgetWork[]): Promise<unknown[]> {
  const now = Math.max(...batch.map((work) => (work.kind === 'reserve' ? work.request.now : work.now)));
  const subjects = new Map<string, BudgetSubject>();
  for (const work of batch) for (const subject of work.kind === 'reserve' ? work.request.subjects : work.subjects) subjects.set(name(subject.scope, subject.id), subject);
  const wanted = [...subjects.values()];
  const { rows } = await client.query<BudgetRow>({
    name: 'tollgate-batch-lock',
    text: 'SELECT * FROM tollgate_budgets WHERE (scope, subject_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY scope, subject_id FOR UPDATE',
    values: [wanted.map((subject) => subject.scope), wanted.map((subject) => subject.id)],
  });
  const budgets = new Map<string, Working>();
  for (const row of rows) {
    const working: Working = {
      scope: row.scope,
      id: row.subject_id,
      limitMicros: Number(row.limit_micros),
      period: row.period as BudgetPeriod,
      spentMicros: Number(row.spent_micros),
      reservedMicros: Number(row.reserved_micros),
      periodStartedAt: Number(row.period_started_at),
      dirty: false,
    };
    const start = periodStart(working.period, now);
    if (working.periodStartedAt < start) Object.assign(working, { spentMicros: 0, periodStartedAt: start, dirty: true });
    budgets.set(name(row.scope, row.subject_id), working);
  }
  const outcomes: unknown[] = new Array(batch.length);
  if (budgets.size > 0) {
    const locked = [...budgets.values()];
    const settleIds = batch.filter((work) => work.kind === 'settle').map((work) => work.id);
    // Holds that lapsed, and the holds of this batch's settlements, leave together.
    const { rows: released } = await client.query<{ id: string; scope: string; subject_id: string; amount_micros: string }>({
      name: 'tollgate-batch-release',
      text: `DELETE FROM tollgate_reservations WHERE (scope, subject_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
               AND (expires_at <= $3 OR id = ANY($4::text[])) RETURNING id, scope, subject_id, amount_micros`,
      values: [locked.map((budget) => budget.scope), locked.map((budget) => budget.id), now, settleIds],
    });
    for (const hold of released) {
      const budget = budgets.get(name(hold.scope, hold.subject_id))!;
      budget.reservedMicros = Math.max(0, budget.reservedMicros - Number(hold.amount_micros));
      budget.dirty = true;
    }
  }
  const holds: { id: string; scope: string; subjectId: string; amount: number; expiresAt: number }[] = [];
  // Settlements first: they free the room the reservations are judged against.
  batch.forEach((work, index) => {
    if (work.kind !== 'settle') return;
    const settled: Budget[] = [];
    for (const subject of work.subjects) {
      const budget = budgets.get(name(subject.scope, subject.id));
      if (budget === undefined) continue;
      budget.spentMicros += work.costMicros;
      budget.dirty = true;
      settled.push(snapshot(budget));
    }
    outcomes[index] = settled;
  });
  batch.forEach((work, index) => {
    if (work.kind !== 'reserve') return;
    const request = work.request;
    const levels = request.subjects.map((subject) => budgets.get(name(subject.scope, subject.id))).filter((budget) => budget !== undefined);
    const short = levels.find((budget) => request.amountMicros > budget.limitMicros - budget.spentMicros - budget.reservedMicros);
    if (short !== undefined) {
      outcomes[index] = { ok: false, budget: snapshot(short), availableMicros: Math.max(0, short.limitMicros - short.spentMicros - short.reservedMicros) } satisfies ReserveOutcome;
      return;
    }
    for (const budget of levels) {
      budget.reservedMicros += request.amountMicros;
      budget.dirty = true;
      holds.push({ id: request.id, scope: budget.scope, subjectId: budget.id, amount: request.amountMicros, expiresAt: request.expiresAt });
    }
    outcomes[index] = { ok: true } satisfies ReserveOutcome;
  });
  const dirty = [...budgets.values()].filter((budget) => budget.dirty);
  if (dirty.length > 0) {
    await client.query({
      name: 'tollgate-batch-write',
      text: `UPDATE tollgate_budgets AS b SET spent_micros = s.spent, reserved_micros = s.reserved, period_started_at = s.started
             FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS s(scope, subject_id, spent, reserved, started)
             WHERE b.scope = s.scope AND b.subject_id = s.subject_id`,
      values: [dirty.map((b) => b.scope), dirty.map((b) => b.id), dirty.map((b) => b.spentMicros), dirty.map((b) => b.reservedMicros), dirty.map((b) => b.periodStartedAt)],
    });
  }
  if (holds.length > 0) {
    await client.query({
      name: 'tollgate-batch-holds',
      text: `INSERT INTO tollgate_reservations (id, scope, subject_id, amount_micros, expires_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])`,
      values: [holds.map((h) => h.id), holds.map((h) => h.scope), holds.map((h) => h.subjectId), holds.map((h) => h.amount), holds.map((h) => h.expiresAt)],
    });
  }
  return outcomes;
}
