import { definePlugin, Ledger, provideGovernanceStore, ResponseStore } from '@tollgate/core';
import { ledgerSqliteOptionsSchema } from './ledger-sqlite-options.js';
import { SqliteGovernanceStore } from './sqlite-governance-store.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { SqliteResponseStore } from './sqlite-response-store.js';

/**
 * Provides the `Ledger`, `KeyStore`, `BudgetStore`, `Directory`, `SpendReports`, `AuditLog` and `ResponseStore` services on one SQLite file: every finished
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
    // The store shares the ledger's connection (opened and migrated once) and opens one for its
    // batches; the ledger's inserts run on their own connection in a writer thread, ordered with the
    // store's batches by SQLite's write lock.
    api.provide(Ledger, ledger);
    const store = new SqliteGovernanceStore(ledger.database);
    provideGovernanceStore(api, store);
    // Responses API turns, for `previous_response_id` on any model.
    const responses = new SqliteResponseStore(ledger.database, options.responseRetentionDays);
    api.provide(ResponseStore, responses);
    return {
      close: async () => {
        responses.close();
        await store.close();
        await ledger.close();
      },
    };
  },
});
