import { BudgetStore, Clock, definePlugin, Directory, KeyStore, Pricing, PrincipalLevels, RateLimitStore, systemClock } from '@tollgate/core';
import { createBudgetHooks } from './budget-hooks.js';
import { configuredBudgets, governanceOptionsSchema } from './governance-options.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimitHooks } from './rate-limit-hooks.js';
import { createConfigKeyLevels } from './config-key-levels.js';
import { createVirtualKeyAuth } from './virtual-key-auth.js';
import { writeConfiguredLevels } from './write-configured-levels.js';

/**
 * Virtual keys and hard budgets. Reads keys and budgets from the `KeyStore` and `BudgetStore` a
 * store plugin provides (`@tollgate/ledger-sqlite`, `@tollgate/ledger-postgres`: list it first) and
 * prices from the pricing plugin. Adds an `auth` hook for `tg-…` keys, rate limits (in memory, or
 * the `RateLimitStore` of `@tollgate/limits-redis`) and the `budget.reserve` / `budget.settle` hooks;
 * keys and budgets are managed through the admin API (`/admin/…`).
 *
 * @example
 * plugins:
 *   - "@tollgate/ledger-sqlite"
 *   - "@tollgate/pricing"
 *   - { name: "@tollgate/governance", options: { onInsufficientBudget: "clamp" } }
 */
export const governancePlugin = definePlugin({
  name: '@tollgate/governance',
  options: governanceOptionsSchema,
  async setup(api, options) {
    const keys = api.resolve(KeyStore);
    const budgets = api.resolve(BudgetStore);
    if (keys === undefined || budgets === undefined) {
      throw new Error('@tollgate/governance needs a key and budget store: list "@tollgate/ledger-sqlite" or "@tollgate/ledger-postgres" before it under `plugins`.');
    }
    const clock = api.resolve(Clock) ?? systemClock;
    for (const budget of configuredBudgets(options)) {
      await budgets.setBudget({ scope: budget.scope, id: budget.id }, Math.round(budget.limitUsd * 1_000_000), budget.period, clock.now());
    }
    const directory = api.resolve(Directory);
    await writeConfiguredLevels(options, directory, clock.now());
    api.addHook('auth', createVirtualKeyAuth(keys, clock, options.keyCacheMs, directory));
    // Config keys get their user's, team's and org's models and limits right after auth (for GET /v1/models too).
    if (directory !== undefined) api.provide(PrincipalLevels, createConfigKeyLevels(directory, clock, options.keyCacheMs));
    // Rate limits run before the budget (a refused request holds none); with countCacheHits, before
    // the cache too (list this plugin before the cache plugin), so a cache hit counts as a request.
    const limits = createRateLimitHooks(api.resolve(RateLimitStore) ?? new MemoryRateLimitStore(() => clock.now()), options);
    if (options.countCacheHits) api.addHook('transform.request', limits.acquire);
    else api.addHook('budget.reserve', limits.acquire);
    api.addHook('log', limits.release);
    // The price source is resolved at the first budgeted request: a pricing plugin listed after this one counts.
    const hooks = createBudgetHooks(budgets, () => api.resolve(Pricing), clock, options, api.logger);
    api.addHook('budget.reserve', hooks['budget.reserve']);
    api.addHook('budget.settle', hooks['budget.settle']);
    // Returns the budget leases (charging their costs) before the store closes: it was set up first.
    return { close: () => hooks.close() };
  },
});
