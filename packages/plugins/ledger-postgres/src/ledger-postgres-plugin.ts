import { definePlugin, Ledger, provideGovernanceStore } from '@tollgate/core';
import { ledgerPostgresOptionsSchema } from './ledger-postgres-options.js';
import { PostgresGovernanceStore } from './postgres-governance-store.js';
import { PostgresLedger } from './postgres-ledger.js';

/**
 * Provides the `Ledger`, `KeyStore`, `BudgetStore`, `Directory`, `SpendReports` and `AuditLog` services on PostgreSQL: every finished request
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
    return {
      close: async () => {
        await ledger.close();
        await store.close();
      },
    };
  },
});
