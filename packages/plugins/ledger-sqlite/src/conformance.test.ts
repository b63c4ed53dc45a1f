import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'vitest';
import { silentLogger } from '@tollgate/core';
import { ledgerConformanceChecks } from '@tollgate/testkit';
import { SqliteLedger } from './sqlite-ledger.js';

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
          ledger.close();
          await rm(folder, { recursive: true, force: true });
        },
      };
    },
  });
  for (const check of checks) it(check.name, check.run);
});
