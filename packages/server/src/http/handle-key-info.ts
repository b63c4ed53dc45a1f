import type { IncomingMessage, ServerResponse } from 'node:http';
import { BudgetStore, budgetSubjects, Clock, systemClock } from '@tollgate/core';
import { answerAuthenticated } from './answer-authenticated.js';
import { budgetView } from './budget-view.js';
import type { HttpDependencies } from './http-dependencies.js';
import { ownerView } from './owner-view.js';

/**
 * `GET /v1/key`: what the caller's own key may do and has left, as OpenRouter's `GET /api/v1/key`
 * tells an agent its credit: the key's id and alias (never the key), its team, user and org, the
 * models it may call, its own rate limits (named as the admin API names them), and each budget it is held against (key, user, team, org, its own tags)
 * with what remains of it; `limit_remaining_usd` is the least of those, or null without budgets.
 */
export function createKeyInfoHandler(dependencies: HttpDependencies) {
  const { gateway } = dependencies;
  const budgets = gateway.resolve(BudgetStore);
  const clock = gateway.resolve(Clock) ?? systemClock;
  return function handleKeyInfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return answerAuthenticated(req, res, dependencies, async (principal) => {
      // The key's own levels, and its own tags' (every request of the key carries them).
      const subjects = budgetSubjects(principal);
      if (subjects.length > 0) for (const tag of principal.tags ?? []) subjects.push({ scope: 'tag', id: tag });
      const held = budgets === undefined || subjects.length === 0 ? [] : await budgets.getBudgets(subjects, clock.now());
      const views = held.map((budget) => ({ ...budgetView(budget), remaining_usd: Math.max(0, budget.limitMicros - budget.spentMicros - budget.reservedMicros) / 1_000_000 }));
      const limits = principal.rateLimits;
      return {
        data: {
          // The admin API's names for the same fields (GET /admin/keys).
          id: principal.keyId,
          alias: principal.keyName,
          is_master: principal.isMaster,
          ...ownerView(principal),
          models: principal.isMaster ? null : (principal.allowedModels ?? null),
          rpm_limit: limits?.rpm ?? null,
          tpm_limit: limits?.tpm ?? null,
          max_parallel_requests: limits?.parallel ?? null,
          // What every request of the key is tagged with (spend by tag), ahead of its own `x-tollgate-tags`.
          tags: principal.tags ?? [],
          budgets: views,
          limit_remaining_usd: views.length === 0 ? null : Math.min(...views.map((view) => view.remaining_usd)),
        },
      };
    });
  };
}
