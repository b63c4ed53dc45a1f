import { definePlugin, Ledger } from '@tollgate/core';
import { ledgerPostgresOptionsSchema } from './ledger-postgres-options.js';
import { PostgresLedger } from './postgres-ledger.js';

/**
 * Provides the `Ledger` service on PostgreSQL: every finished request becomes one row in a database
 * all gateway instances share, written in batches off the request path and drained on shutdown.
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
    api.provide(Ledger, ledger);
    return { close: () => ledger.close() };
  },
});
