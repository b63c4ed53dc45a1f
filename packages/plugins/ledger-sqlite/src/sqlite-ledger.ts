import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ledgerColumns, toLedgerRow, type Ledger, type LedgerEntry, type Logger } from '@tollgate/core';
import type { LedgerSqliteOptions } from './ledger-sqlite-options.js';
import { openDatabase } from './open-database.js';

const insertSql = `INSERT INTO tollgate_requests (${ledgerColumns.join(', ')}) VALUES (${ledgerColumns.map(() => '?').join(', ')})`;

/**
 * The SQLite ledger: one row per finished request. `record` only appends to a memory buffer (no I/O
 * on the request path); the buffer is written in batched transactions every `flushIntervalMs` or
 * every `batchSize` rows, and drained by `flush`/`close`. WAL mode, so readers (spend reports) never
 * block the writer. node:sqlite is synchronous: each batch blocks the event loop for the duration of
 * one transaction (about a millisecond for hundreds of rows), which is why rows are batched.
 */
export class SqliteLedger implements Ledger {
  readonly #database: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #options: LedgerSqliteOptions;
  readonly #logger: Logger;
  #buffer: LedgerEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: LedgerSqliteOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#database = openDatabase(options.path);
    this.#insert = this.#database.prepare(insertSql);
  }

  record(entry: LedgerEntry): void {
    if (this.#closed) {
      this.#logger.error({ requestId: entry.requestId }, 'ledger closed; request not recorded');
      return;
    }
    this.#buffer.push(entry);
    if (this.#buffer.length >= this.#options.batchSize) this.#write();
    else this.#timer ??= setTimeout(() => this.#write(), this.#options.flushIntervalMs);
  }

  async flush(): Promise<void> {
    this.#write();
  }

  /** Writes what is buffered and closes the database. */
  close(): void {
    if (this.#closed) return;
    this.#write();
    this.#closed = true;
    this.#database.close();
  }

  /** The database, for reports and tests. */
  get database(): DatabaseSync {
    return this.#database;
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#options.batchSize);
      try {
        this.#database.exec('BEGIN');
        for (const entry of batch) this.#insertEntry(entry);
        this.#database.exec('COMMIT');
      } catch (error) {
        this.#database.exec('ROLLBACK');
        // Keep the rows for the next attempt rather than lose them.
        this.#buffer.unshift(...batch);
        this.#logger.error({ err: error, rows: batch.length }, 'ledger write failed; rows kept for the next flush');
        this.#timer ??= setTimeout(() => this.#write(), this.#options.flushIntervalMs * 5);
        return;
      }
    }
  }

  #insertEntry(entry: LedgerEntry): void {
    const row = toLedgerRow(entry);
    this.#insert.run(...ledgerColumns.map((column) => (column === 'stream' ? (entry.stream ? 1 : 0) : (row[column] as string | number | null))));
  }
}
