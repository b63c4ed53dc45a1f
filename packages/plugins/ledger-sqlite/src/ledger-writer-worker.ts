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

/** A chunk of old rows to delete: at most `limit` of requests that arrived before `pruneBefore` (epoch ms). */
interface PruneChunk {
  readonly id: number;
  readonly pruneBefore: number;
  readonly limit: number;
}

const { path, insertSql } = workerData as WriterData;
const database = new DatabaseSync(path);
database.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
const insert = database.prepare(insertSql);
// Through the time index, oldest first; one chunk per message, so batches of inserts go in between.
const pruneChunk = database.prepare('DELETE FROM tollgate_requests WHERE rowid IN (SELECT rowid FROM tollgate_requests WHERE started_at < ? ORDER BY started_at LIMIT ?)');

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

/** A row's index in its batch, and why it was not written. */
type RowFailure = { index: number; error: string };

/**
 * Inserts a batch refused for one of its rows row by row, so that row cannot hold the others back:
 * rows that fail for themselves are `refused`; at the first failure for the database's sake (the disk,
 * a lock), that row and the rest are returned to `retry`, untried, as PostgresLedger does.
 */
function insertOneByOne(rows: WriteBatch['rows'], batchError: unknown): { refused: RowFailure[]; retry: RowFailure[] } {
  // A batch of one has just been tried alone.
  if (rows.length === 1) return { refused: [{ index: 0, error: message(batchError) }], retry: [] };
  const refused: RowFailure[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      insertAll([row]);
    } catch (error) {
      if (!isRowRefused(error)) return { refused, retry: rows.slice(index).map((_, offset) => ({ index: index + offset, error: message(error) })) };
      refused.push({ index, error: message(error) });
    }
  }
  return { refused, retry: [] };
}

/**
 * Each batch in one transaction. A batch that failed for the database's sake is answered with the
 * error and kept whole for the retry (trying its rows one by one would only fail as many times); one
 * refused for a row's own sake is written row by row. A prune chunk deletes old rows and answers how many.
 */
parentPort!.on('message', (batch: WriteBatch | PruneChunk) => {
  if ('pruneBefore' in batch) {
    try {
      parentPort!.postMessage({ id: batch.id, deleted: Number(pruneChunk.run(batch.pruneBefore, batch.limit).changes) });
    } catch (error) {
      parentPort!.postMessage({ id: batch.id, error: message(error) });
    }
    return;
  }
  try {
    insertAll(batch.rows);
    parentPort!.postMessage({ id: batch.id });
  } catch (error) {
    if (!isRowRefused(error)) parentPort!.postMessage({ id: batch.id, error: message(error) });
    else parentPort!.postMessage({ id: batch.id, ...insertOneByOne(batch.rows, error) });
  }
});
