import { definePlugin, Ledger, provideGovernanceStore, ResponseStore } from '@tollgate/core';
import { ledgerPostgresOptionsSchema } from './ledger-postgres-options.js';
import { PostgresGovernanceStore } from './postgres-governance-store.js';
import { PostgresLedger } from './postgres-ledger.js';
import { PostgresResponseStore } from './postgres-response-store.js';

/**
 * Provides the `Ledger`, `KeyStore`, `BudgetStore`, `Directory`, `SpendReports`, `AuditLog` and `ResponseStore` services on PostgreSQL: every finished request
 * becomes one row in a database all gateway instances share, written in batches off the request path
 * and drained on shutdown; virtual keys and budgets are shared the same way, so a budget holds across
 * every instance.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/ledger-postgres", options: { connectionString: "${DATABASE_URL}" } }
 */
export const ledgerPostgresPlugin = definePlugin({
  name: '@tollgate/ledger-postgres',
  options: ledgerPostgresOptionsSchema,
  async setup(api, options) {
    const ledger = await PostgresLedger.open(options, api.logger);
    // The ledger has just applied the migrations: the store's own pool need not run them again.
    const store = await PostgresGovernanceStore.open(options, api.logger, { migrated: true }).catch(async (error: unknown) => {
      await ledger.close();
      throw error;
    });
    api.provide(Ledger, ledger);
    provideGovernanceStore(api, store);
    // Responses API turns, for `previous_response_id` on any model, on the store's pool.
    const responses = new PostgresResponseStore(store.pool, options.responseRetentionDays, api.logger);
    api.provide(ResponseStore, responses);
    return {
      close: async () => {
        responses.close();
        await ledger.close();
        await store.close();
      },
    };
  },
});
