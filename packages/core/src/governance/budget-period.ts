import { z } from 'zod';
import type { BudgetPeriod } from './budget-store.js';

/** A budget's period as the config and the admin API take it (calendar periods in UTC, or `none`). */
export const budgetPeriodSchema = z.enum(['daily', 'weekly', 'monthly', 'none']) satisfies z.ZodType<BudgetPeriod>;

/** The UTC start of the period that contains `now` (epoch ms); 0 for `none`. Weeks start on Monday. */
export function periodStart(period: BudgetPeriod, now: number): number {
  if (period === 'none') return 0;
  const date = new Date(now);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'daily') return day;
  if (period === 'weekly') return day - ((date.getUTCDay() + 6) % 7) * 86_400_000;
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The UTC end of the period that started at `start` (epoch ms); undefined for `none`. */
export function periodEnd(period: BudgetPeriod, start: number): number | undefined {
  if (period === 'none') return undefined;
  if (period === 'daily') return start + 86_400_000;
  if (period === 'weekly') return start + 7 * 86_400_000;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
