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

/** Inserts the rows in one transaction; throws what SQLite threw, having rolled back. */
function insertAll(rows: WriteBatch['rows']): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    for (const row of rows) insert.run(...row);
    database.exec('COMMIT');
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** SQLite's extended result codes for a row that can never be written: a NOT NULL or CHECK constraint, a type mismatch. */
const refusedRowCodes = new Set([1299, 275, 20]);

/** Whether a row's failure is its own (a value that cannot be bound or stored), not the database's. */
function isRowRefused(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (code !== 'ERR_SQLITE_ERROR') return true;
  return typeof errcode === 'number' && refusedRowCodes.has(errcode);
}

/**
 * A batch SQLite refused is tried row by row, so one bad row cannot hold the others back: rows that
 * fail for themselves (a value it cannot bind or store) are answered as `refused`, rows that fail for
 * the database's sake (the disk, a lock) as `retry`, the others are committed.
 */
parentPort!.on('message', (batch: WriteBatch) => {
  const refused: { index: number; error: string }[] = [];
  const retry: { index: number; error: string }[] = [];
  const sort = (index: number, error: unknown) => (isRowRefused(error) ? refused : retry).push({ index, error: message(error) });
  try {
    insertAll(batch.rows);
    parentPort!.postMessage({ id: batch.id });
    return;
  } catch (error) {
    // A batch of one has just been tried alone.
    if (batch.rows.length === 1) sort(0, error);
    else batch.rows.forEach((row, index) => {
      try {
        insertAll([row]);
      } catch (rowError) {
        sort(index, rowError);
      }
    });
  }
  parentPort!.postMessage({ id: batch.id, refused, retry });
});
