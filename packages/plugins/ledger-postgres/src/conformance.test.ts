import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { budgetStoreConformanceChecks, ledgerConformanceChecks, responseStoreConformanceChecks } from '@tollgate/testkit';
import { PostgresGovernanceStore } from './postgres-governance-store.js';
import { ledgerPostgresOptionsSchema } from './ledger-postgres-options.js';
import { PostgresLedger } from './postgres-ledger.js';
import { PostgresResponseStore } from './postgres-response-store.js';

// The real PostgreSQL of the machine and CI (trust auth, database `test`); each check gets its own schema.
const connectionString = process.env.TOLLGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString, max: 2 });
afterAll(() => admin.end());

describe('@tollgate/ledger-postgres passes the ledger conformance checks', () => {
  const checks = ledgerConformanceChecks({
    async open() {
      const schema = `tollgate_conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const ledger = await PostgresLedger.open(ledgerPostgresOptionsSchema.parse({ connectionString, schema, flushIntervalMs: 60_000 }), silentLogger);
      return {
        ledger,
        close: () => ledger.close(),
        rows: async () => (await admin.query(`SELECT * FROM ${schema}.tollgate_requests`)).rows,
        async dispose() {
          await ledger.close();
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});

describe('@tollgate/ledger-postgres passes the budget store conformance checks', () => {
  const checks = budgetStoreConformanceChecks({
    async open() {
      const schema = `tollgate_budget_conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const store = await PostgresGovernanceStore.open(ledgerPostgresOptionsSchema.parse({ connectionString, schema }), silentLogger);
      return {
        store,
        async dispose() {
          await store.close();
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});

describe('@tollgate/ledger-postgres passes the response store conformance checks', () => {
  const checks = responseStoreConformanceChecks({
    async open() {
      const schema = `tollgate_response_conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const governance = await PostgresGovernanceStore.open(ledgerPostgresOptionsSchema.parse({ connectionString, schema }), silentLogger);
      const store = new PostgresResponseStore(governance.pool, 30, silentLogger);
      return {
        store,
        async dispose() {
          store.close();
          await governance.close();
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});
