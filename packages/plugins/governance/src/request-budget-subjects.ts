import type { BudgetSubject, GatewayContext } from '@tollgate/core';
import { endUserOf } from './end-user-of.js';

/** No levels: most requests name none. */
const none: readonly BudgetSubject[] = [];

/**
 * The budget levels a request names for itself, past its key's: the end user (its `user`), each of
 * its tags (its key's, then the client's `x-tollgate-tags`) and its model when `budgetedModel` (a
 * model known to have a budget) is given; none for most requests.
 */
export function requestBudgetSubjects(context: GatewayContext, budgetedModel: BudgetSubject | undefined): readonly BudgetSubject[] {
  const endUser = endUserOf(context.request);
  const tags = context.tags;
  if (tags === undefined && endUser === undefined) return budgetedModel === undefined ? none : [budgetedModel];
  const subjects: BudgetSubject[] = endUser === undefined ? [] : [{ scope: 'end_user', id: endUser }];
  if (tags !== undefined) for (const tag of tags) subjects.push({ scope: 'tag', id: tag });
  if (budgetedModel !== undefined) subjects.push(budgetedModel);
  return subjects;
}

/** Whether a budget level is one a request names (end user, tag, model) rather than one of its key's. */
export function isRequestLevel(scope: BudgetSubject['scope']): boolean {
  return scope === 'end_user' || scope === 'tag' || scope === 'model';
}
