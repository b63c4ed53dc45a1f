import type { BudgetSubject, GatewayContext } from '@tollgate/core';
import { endUserOf } from './end-user-of.js';

/**
 * The budget levels a request names for itself, past its key's: the end user (its `user`) and each of
 * its tags (its key's, then the client's `x-tollgate-tags`); none for most requests.
 */
export function requestBudgetSubjects(context: GatewayContext): readonly BudgetSubject[] {
  const endUser = endUserOf(context.request);
  const tags = context.tags;
  if (tags === undefined) return endUser === undefined ? [] : [{ scope: 'end_user', id: endUser }];
  const subjects: BudgetSubject[] = endUser === undefined ? [] : [{ scope: 'end_user', id: endUser }];
  for (const tag of tags) subjects.push({ scope: 'tag', id: tag });
  return subjects;
}

/** Whether a budget level is one a request names (end user, tag) rather than one of its key's. */
export function isRequestLevel(scope: BudgetSubject['scope']): boolean {
  return scope === 'end_user' || scope === 'tag';
}
