// The SQLite ledger's writer thread: inserts the batches the main thread posts, each in one
// transaction, and runs WAL checkpoints, so neither blocks the gateway's event loop. It imports
// nothing of Tollgate's (it may run from the sources under tests, where Node strips the types).
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/** What the main thread starts the writer with. */
interface WriterData {
  readonly path: string;
  readonly insertSql: string;
}

/** A batch of rows, each the column values in `insertSql`'s order. */
interface WriteBatch {
  readonly id: number;
  readonly rows: readonly (readonly (string | number | null)[])[];
}

const { path, insertSql } = workerData as WriterData;
const database = new DatabaseSync(path);
database.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
const insert = database.prepare(insertSql);

parentPort!.on('message', (batch: WriteBatch) => {
  try {
    database.exec('BEGIN IMMEDIATE');
    for (const row of batch.rows) insert.run(...row);
    database.exec('COMMIT');
    parentPort!.postMessage({ id: batch.id });
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    parentPort!.postMessage({ id: batch.id, error: error instanceof Error ? error.message : String(error) });
  }
});
