import type { BudgetStore, BudgetSubject } from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';

/** A budget store opened on an empty database for one check. */
export interface BudgetStoreUnderTest {
  readonly store: BudgetStore;
  /** Closes the store and removes its data. */
  dispose(): Promise<void>;
}

/** How to open the budget store under test. */
export interface BudgetStoreConformanceOptions {
  readonly open: () => Promise<BudgetStoreUnderTest>;
}

const contract = 'BudgetStore';
/** 15 January 2026, noon UTC: the checks' clock. */
const now = Date.UTC(2026, 0, 15, 12);
const hour = 3_600_000;
const key: BudgetSubject = { scope: 'key', id: 'key_conformance' };
const team: BudgetSubject = { scope: 'team', id: 'team-conformance' };

function point(condition: boolean, what: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, what, seen, fix, contract);
}

/**
 * The checks a `BudgetStore` must pass for budgets to be hard: unbudgeted subjects are free, holds
 * are all-or-nothing across levels, 100 concurrent reservations never hold more than the limit,
 * settling charges the actual cost and releases the hold, a lapsed hold frees its budget (yet is
 * still charged when settled late), spend starts again in a new period, and a store that lists its
 * budgets lists every one. Each failure names the
 * contract point and the fix.
 *
 * @example
 * for (const check of budgetStoreConformanceChecks({ open })) it(check.name, check.run);
 */
export function budgetStoreConformanceChecks(options: BudgetStoreConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.open, (subject) => subject.dispose());
  return [
    check('a subject without a budget is not limited and holds nothing', async ({ store }) => {
      const outcome = await store.reserve({ id: 'r-free', subjects: [key, team], amountMicros: 1e12, expiresAt: now + hour, now });
      point(outcome.ok, 'only budgeted subjects are limited', () => JSON.stringify(outcome), 'Skip subjects that have no budget row instead of refusing them.');
      await store.settle('r-free', [key, team], 5, now);
    }),
    check('holds on every level or on none', async ({ store }) => {
      await store.setBudget(key, 10_000, 'none', now);
      await store.setBudget(team, 1_000, 'none', now);
      const outcome = await store.reserve({ id: 'r-levels', subjects: [key, team], amountMicros: 5_000, expiresAt: now + hour, now });
      point(!outcome.ok && outcome.budget.scope === 'team' && outcome.availableMicros === 1_000, 'a refusal names the level that lacks room and what it has left', () => JSON.stringify(outcome), 'Return { ok: false, budget, availableMicros } for the first level whose limit would be passed.');
      const [keyBudget] = await store.getBudgets([key], now);
      point(keyBudget?.reservedMicros === 0, 'a refused reservation holds nothing on any level', () => JSON.stringify(keyBudget), 'Judge and hold every level inside one transaction and roll it back when any level refuses.');
    }),
    check('100 concurrent reservations never hold more than the limit', async ({ store }) => {
      await store.setBudget(team, 10_000, 'monthly', now);
      const outcomes = await Promise.all(Array.from({ length: 100 }, (_, index) => store.reserve({ id: `r-${index}`, subjects: [team], amountMicros: 1_000, expiresAt: now + hour, now })));
      const held = outcomes.filter((outcome) => outcome.ok).length;
      const [budget] = await store.getBudgets([team], now);
      point(held === 10 && budget?.reservedMicros === 10_000, 'exactly limit ÷ amount reservations succeed under concurrency', () => `${held} held, ${budget?.reservedMicros} reserved`, 'Check and hold in one atomic step: a conditional UPDATE (spent + reserved + amount <= limit) under a row lock, never a read followed by a write.');
      const holds = await store.countReservations();
      point(holds === 10, 'each successful reservation is one live hold', () => `${holds} holds`, 'Insert a reservation row per held level, in the same transaction.');
    }),
    check('settling charges the actual cost and releases the hold', async ({ store }) => {
      await store.setBudget(team, 10_000, 'monthly', now);
      await store.reserve({ id: 'r-settle', subjects: [key, team], amountMicros: 5_000, expiresAt: now + hour, now });
      const settled = await store.settle('r-settle', [key, team], 1_234, now + 1_000);
      point(settled.length === 1 && settled[0]!.id === team.id && settled[0]!.spentMicros === 1_234 && settled[0]!.reservedMicros === 0, 'settle returns the budgeted subjects as it left them', () => JSON.stringify(settled), 'Return the budgets of the subjects that have one, with the cost added and the hold released.');
      const [budget] = await store.getBudgets([team], now + 1_000);
      point(budget?.spentMicros === 1_234 && budget.reservedMicros === 0, 'settle adds the actual cost and removes the hold', () => JSON.stringify(budget), 'In settle, subtract the reservation\'s amount from reserved and add costMicros to spent, then delete the reservation.');
      const holds = await store.countReservations();
      point(holds === 0, 'no hold is left after settlement', () => `${holds} holds remain`, 'Delete the reservation rows of the settled id.');
    }),
    check('a lapsed hold frees its budget, and settling it late still charges', async ({ store }) => {
      await store.setBudget(team, 1_000, 'none', now);
      await store.reserve({ id: 'r-crashed', subjects: [team], amountMicros: 1_000, expiresAt: now + 1_000, now });
      const blocked = await store.reserve({ id: 'r-blocked', subjects: [team], amountMicros: 500, expiresAt: now + hour, now: now + 500 });
      point(!blocked.ok, 'a live hold counts against the budget', () => JSON.stringify(blocked), 'Count reserved_micros in the limit check.');
      const after = await store.reserve({ id: 'r-after', subjects: [team], amountMicros: 500, expiresAt: now + hour, now: now + 1_001 });
      point(after.ok, 'a hold past its expiry no longer counts (a crashed instance cannot keep a budget)', () => JSON.stringify(after), 'Before judging, release holds whose expires_at <= now (subtract them from reserved and delete them).');
      await store.settle('r-crashed', [team], 300, now + 2_000);
      const [budget] = await store.getBudgets([team], now + 2_000);
      point(budget?.spentMicros === 300 && budget.reservedMicros === 500, 'a late settlement charges its cost without releasing another request\'s hold', () => JSON.stringify(budget), 'Charge costMicros even when the hold is gone; release only the holds that still exist under that id.');
    }),
    check('spend starts again from zero in a new period', async ({ store }) => {
      await store.setBudget(team, 10_000, 'monthly', now);
      await store.reserve({ id: 'r-january', subjects: [team], amountMicros: 4_000, expiresAt: now + hour, now });
      await store.settle('r-january', [team], 4_000, now);
      const february = Date.UTC(2026, 1, 2);
      const [budget] = await store.getBudgets([team], february);
      point(budget?.spentMicros === 0 && budget.resetsAt === Date.UTC(2026, 2, 1), 'a monthly budget resets on the first of the month (UTC) and says when it resets next', () => JSON.stringify(budget), 'When periodStart(period, now) is after period_started_at, set spent to 0 and period_started_at to it (periodStart/periodEnd from @tollgate/core).');
    }),
    check('lists every budget in its current period, where it lists them', async ({ store }) => {
      if (store.listBudgets === undefined) return;
      await store.setBudget(team, 10_000, 'monthly', now);
      await store.setBudget({ scope: 'tag', id: 'customer:acme' }, 5_000, 'daily', now);
      await store.reserve({ id: 'r-listed', subjects: [team], amountMicros: 2_000, expiresAt: now + hour, now });
      await store.settle('r-listed', [team], 2_000, now);
      const listed = (await store.listBudgets(Date.UTC(2026, 1, 2))).map(({ scope, id, spentMicros }) => `${scope}:${id}:${spentMicros}`).sort();
      point(
        listed.join(',') === 'tag:customer:acme:0,team:team-conformance:0',
        'listBudgets returns every budget (any scope), in its current period',
        () => JSON.stringify(listed),
        'Select every budget row\'s scope and id, then read them as getBudgets does (periods rolled over).',
      );
    }),
  ];
}
