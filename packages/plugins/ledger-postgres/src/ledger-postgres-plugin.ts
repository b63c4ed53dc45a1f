import { AuditLog, BudgetStore, definePlugin, Directory, KeyStore, Ledger, SpendReports } from '@tollgate/core';
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
    const store = await PostgresGovernanceStore.open(options, api.logger).catch(async (error: unknown) => {
      await ledger.close();
      throw error;
    });
    api.provide(Ledger, ledger);
    api.provide(KeyStore, store);
    api.provide(BudgetStore, store);
    api.provide(Directory, store);
    api.provide(SpendReports, store);
    api.provide(AuditLog, store);
    return {
      close: async () => {
        await ledger.close();
        await store.close();
      },
    };
  },
});
