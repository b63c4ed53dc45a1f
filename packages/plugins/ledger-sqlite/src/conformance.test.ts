import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { budgetStoreConformanceChecks, ledgerConformanceChecks, responseStoreConformanceChecks } from '@tollgate/testkit';
import { openDatabase } from './open-database.js';
import { SqliteGovernanceStore } from './sqlite-governance-store.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { SqliteResponseStore } from './sqlite-response-store.js';

describe('@tollgate/ledger-sqlite passes the ledger conformance checks', () => {
  const checks = ledgerConformanceChecks({
    async open() {
      const folder = await mkdtemp(join(tmpdir(), 'tollgate-ledger-conformance-'));
      const path = join(folder, 'ledger.sqlite');
      const ledger = new SqliteLedger({ path, batchSize: 500, flushIntervalMs: 60_000 }, silentLogger);
      return {
        ledger,
        close: async () => ledger.close(),
        async rows() {
          const reader = new DatabaseSync(path, { readOnly: true });
          try {
            return reader.prepare('SELECT * FROM tollgate_requests').all();
          } finally {
            reader.close();
          }
        },
        async dispose() {
          await ledger.close();
          await rm(folder, { recursive: true, force: true });
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});

describe('@tollgate/ledger-sqlite passes the budget store conformance checks', () => {
  const checks = budgetStoreConformanceChecks({
    async open() {
      const folder = await mkdtemp(join(tmpdir(), 'tollgate-budget-conformance-'));
      const database = openDatabase(join(folder, 'tollgate.sqlite'));
      const store = new SqliteGovernanceStore(database);
      return {
        store,
        async dispose() {
          await store.close();
          database.close();
          await rm(folder, { recursive: true, force: true });
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});

describe('@tollgate/ledger-sqlite passes the response store conformance checks', () => {
  const checks = responseStoreConformanceChecks({
    async open() {
      const folder = await mkdtemp(join(tmpdir(), 'tollgate-response-conformance-'));
      const database = openDatabase(join(folder, 'tollgate.sqlite'));
      const store = new SqliteResponseStore(database, 30);
      return {
        store,
        async dispose() {
          store.close();
          database.close();
          await rm(folder, { recursive: true, force: true });
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});
