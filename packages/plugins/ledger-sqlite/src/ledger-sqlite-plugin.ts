import { AuditLog, BudgetStore, definePlugin, Directory, KeyStore, Ledger, SpendReports } from '@tollgate/core';
import { ledgerSqliteOptionsSchema } from './ledger-sqlite-options.js';
import { openDatabase } from './open-database.js';
import { SqliteGovernanceStore } from './sqlite-governance-store.js';
import { SqliteLedger } from './sqlite-ledger.js';

/**
 * Provides the `Ledger`, `KeyStore`, `BudgetStore`, `Directory`, `SpendReports` and `AuditLog` services on one SQLite file: every finished
 * request becomes one row, written in batches off the request path and drained on shutdown; virtual
 * keys and budgets live in the same file, so several processes on one host can share them.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/ledger-sqlite", options: { path: "./tollgate.sqlite" } }
 */
export const ledgerSqlitePlugin = definePlugin({
  name: '@tollgate/ledger-sqlite',
  options: ledgerSqliteOptionsSchema,
  setup(api, options) {
    const ledger = new SqliteLedger(options, api.logger);
    const governanceDatabase = openDatabase(options.path);
    const store = new SqliteGovernanceStore(governanceDatabase);
    api.provide(Ledger, ledger);
    api.provide(KeyStore, store);
    api.provide(BudgetStore, store);
    api.provide(Directory, store);
    api.provide(SpendReports, store);
    api.provide(AuditLog, store);
    return {
      close: () => {
        ledger.close();
        governanceDatabase.close();
      },
    };
  },
});
