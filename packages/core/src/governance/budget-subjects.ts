import type { Principal } from '../context/principal.js';
import type { BudgetSubject } from './budget-store.js';

/** The budget levels of a principal: its key, user, team and org (the master key has none). */
export function budgetSubjects(principal: Principal): BudgetSubject[] {
  if (principal.isMaster) return [];
  const subjects: BudgetSubject[] = [{ scope: 'key', id: principal.keyId }];
  if (principal.userId !== undefined) subjects.push({ scope: 'user', id: principal.userId });
  if (principal.teamId !== undefined) subjects.push({ scope: 'team', id: principal.teamId });
  if (principal.orgId !== undefined) subjects.push({ scope: 'org', id: principal.orgId });
  return subjects;
}
