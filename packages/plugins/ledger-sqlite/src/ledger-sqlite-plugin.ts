import { definePlugin, Ledger } from '@tollgate/core';
import { ledgerSqliteOptionsSchema } from './ledger-sqlite-options.js';
import { SqliteLedger } from './sqlite-ledger.js';

/**
 * Provides the `Ledger` service on SQLite: every finished request becomes one row, written in
 * batches off the request path and drained on shutdown.
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
    api.provide(Ledger, ledger);
    return { close: () => ledger.close() };
  },
});
