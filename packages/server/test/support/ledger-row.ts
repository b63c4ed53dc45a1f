import { DatabaseSync } from 'node:sqlite';
import { Ledger } from '@tollgate/core';
import type { RunningServer } from '../../src/index.js';

/**
 * A request's row in the SQLite ledger at `databasePath`, its `columns` only, once every finished
 * request's row is written; undefined when there is none.
 */
export async function ledgerRowOf(server: RunningServer, databasePath: string, requestId: string | null, columns: string): Promise<Record<string, unknown> | undefined> {
  await server.tollgate.gateway.engine.drain();
  await server.tollgate.gateway.resolve(Ledger)!.flush();
  const database = new DatabaseSync(databasePath, { readOnly: true });
  const row = database.prepare(`SELECT ${columns} FROM tollgate_requests WHERE request_id = ?`).get(requestId!);
  database.close();
  return row;
}
