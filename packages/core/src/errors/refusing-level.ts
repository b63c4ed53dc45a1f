import type { BudgetScope } from '../governance/budget-store.js';

/** The governed level that refused a request: the owner of the budget or rate limit it ran into. */
export interface RefusingLevel {
  /** A budget's level, or `model` for a rate limit on a model. */
  readonly scope: BudgetScope | 'model';
  /** The key, user, team, org or model id, or the end user's name. */
  readonly id: string;
}
