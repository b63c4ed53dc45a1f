import { Worker } from 'node:worker_threads';
import type { DatabaseSync } from 'node:sqlite';
import { ledgerColumns, scheduleLedgerRetention, toLedgerValues, type Ledger, type LedgerEntry, type LedgerRetention, type Logger } from '@tollgate/core';
import type { LedgerSqliteOptions } from './ledger-sqlite-options.js';
import { openDatabase } from './open-database.js';

const insertSql = `INSERT INTO tollgate_requests (${ledgerColumns.join(', ')}) VALUES (${ledgerColumns.map(() => '?').join(', ')})`;

/** One row's column values, in `insertSql`'s order. */
export type RowValues = (string | number | null)[];

/** How the writer thread answered a batch: all committed, or the rows it refused and those to retry (the rest committed), or an error for all; a prune chunk: how many rows it deleted. */
interface WriterAnswer {
  readonly id: number;
  readonly error?: string;
  readonly deleted?: number;
  readonly refused?: readonly { readonly index: number; readonly error: string }[];
  readonly retry?: readonly { readonly index: number; readonly error: string }[];
}

/**
 * The writer thread's young generation, in MB: the rows it is posted die young, a few hundred KB a
 * second at 500 req/s. Left to V8, a thread's young generation may grow to 128 MB (measured on Node
 * 24 with default flags), memory the gateway would hold for nothing.
 */
const writerYoungGenerationMb = 4;

/** The writer thread's script: built next to this file, or the TypeScript source under tests. */
const writerScript = new URL(import.meta.url.endsWith('.ts') ? './ledger-writer-worker.ts' : './ledger-writer-worker.js', import.meta.url);

/** Rows a prune chunk deletes at most (a transaction of its own on the writer thread: a few milliseconds). */
const pruneChunkRows = 5_000;

/** Where `stream` is in a row: node:sqlite binds no booleans, so it is stored as 0 or 1. */
const streamColumn = ledgerColumns.indexOf('stream');

/**
 * One entry's column values, in `insertSql`'s order, as a packed array: the structured clone that posts
 * rows to the writer thread writes a holey array (what an optimized `Array#map` makes) as a sparse one,
 * each index a property key, 2.2 µs a row against 0.3–1.0, and as slow again for the writer to read.
 */
export function toRowValues(entry: LedgerEntry): RowValues {
  const values = toLedgerValues(entry);
  values[streamColumn] = entry.stream ? 1 : 0;
  return values as RowValues;
}

/**
 * The SQLite ledger: one row per finished request. `record` only appends to a memory buffer (no I/O
 * on the request path); every `flushIntervalMs` or `batchSize` rows the buffer goes to a writer
 * thread, which inserts it in one transaction and runs the WAL checkpoints, so neither an insert
 * batch nor a checkpoint's disk sync blocks the event loop (both did: the checkpoints showed as
 * 30–80 ms stalls in the p99 at 1,000 req/s). A failed batch is kept and retried. `flush` resolves
 * once every row recorded before it is committed; `close` drains. WAL mode, so readers (spend
 * reports, on this thread's connection) never block the writer. With `retentionDays`, rows older than
 * that are deleted at start-up and every hour, a chunk at a time on the writer thread.
 */
export class SqliteLedger implements Ledger {
  readonly #database: DatabaseSync;
  readonly #options: Omit<LedgerSqliteOptions, 'responseRetentionDays'>;
  readonly #logger: Logger;
  #writer: Worker | undefined;
  #buffer: RowValues[] = [];
  /** Batches posted to the writer thread and not answered yet; `answered` resolves with the answer. */
  readonly #inFlight = new Map<number, { readonly rows: RowValues[]; readonly answered: Promise<void>; readonly answer: () => void }>();
  #nextBatchId = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Prune chunks posted to the writer thread and not answered yet. */
  readonly #pruning = new Map<number, { readonly resolve: (deleted: number) => void; readonly reject: (error: Error) => void }>();
  readonly #retention: LedgerRetention | undefined;

  constructor(options: Omit<LedgerSqliteOptions, 'responseRetentionDays'>, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#database = openDatabase(options.path);
    // The writer thread checkpoints after its commits; this connection (reports, the governance store) never does.
    this.#database.exec('PRAGMA wal_autocheckpoint = 0');
    this.#writer = this.#startWriter();
    if (options.retentionDays !== undefined) this.#retention = scheduleLedgerRetention((before) => this.prune(before), options.retentionDays, logger);
  }

  /**
   * Deletes the rows of requests that arrived before `before` (epoch ms), a chunk of 5,000 at a time
   * on the writer thread, so batches of inserts go in between; resolves with how many.
   */
  async prune(before: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const chunk = await new Promise<number>((resolve, reject) => {
        const id = this.#nextBatchId++;
        const writer = (this.#writer ??= this.#startWriter());
        writer.ref();
        this.#pruning.set(id, { resolve, reject });
        writer.postMessage({ id, pruneBefore: before, limit: pruneChunkRows });
      });
      deleted += chunk;
      if (chunk < pruneChunkRows || this.#closed) return deleted;
    }
  }

  record(entry: LedgerEntry): void {
    if (this.#closed) {
      this.#logger.error({ requestId: entry.requestId }, 'ledger closed; request not recorded');
      return;
    }
    this.#buffer.push(toRowValues(entry));
    if (this.#buffer.length >= this.#options.batchSize) this.#send();
    else this.#timer ??= setTimeout(() => this.#send(), this.#options.flushIntervalMs);
  }

  /** Resolves once every row recorded so far is committed, or failed and is kept for the retry. */
  async flush(): Promise<void> {
    this.#send();
    await Promise.all([...this.#inFlight.values()].map((batch) => batch.answered));
  }

  /** Writes what is buffered, stops the writer thread and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#retention?.stop();
    await this.#writer?.terminate();
    this.#database.close();
  }

  /** The database (this thread's connection), for reports and tests. */
  get database(): DatabaseSync {
    return this.#database;
  }

  /**
   * Starts the writer thread. It keeps the process alive only while batches are in flight. Should it
   * die, its batches go back to the buffer, and the next send (the retry timer's, at the latest)
   * starts another: a thread that cannot start is retried every `5 × flushIntervalMs`, not in a loop.
   */
  #startWriter(): Worker {
    const writer = new Worker(writerScript, {
      workerData: { path: this.#options.path, insertSql },
      resourceLimits: { maxYoungGenerationSizeMb: writerYoungGenerationMb },
    });
    writer.unref();
    writer.on('message', (answer: WriterAnswer) => this.#settle(answer));
    writer.on('error', (error) => this.#logger.error({ err: error }, 'ledger writer thread failed'));
    writer.on('exit', () => {
      if (writer !== this.#writer) return;
      this.#writer = undefined;
      for (const [id, chunk] of this.#pruning) {
        this.#pruning.delete(id);
        chunk.reject(new Error('the writer thread exited'));
      }
      if (this.#closed) return;
      for (const id of [...this.#inFlight.keys()]) this.#settle({ id, error: 'the writer thread exited' });
    });
    return writer;
  }

  /** Posts the buffer to the writer thread, in batches of at most `batchSize` rows. */
  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#buffer.length > 0) {
      const rows = this.#buffer.splice(0, this.#options.batchSize);
      const id = this.#nextBatchId++;
      const writer = (this.#writer ??= this.#startWriter());
      if (this.#inFlight.size === 0) writer.ref();
      let answer!: () => void;
      const answered = new Promise<void>((resolve) => (answer = resolve));
      this.#inFlight.set(id, { rows, answered, answer });
      writer.postMessage({ id, rows });
    }
  }

  #settle(answer: WriterAnswer): void {
    const chunk = this.#pruning.get(answer.id);
    if (chunk !== undefined) {
      this.#pruning.delete(answer.id);
      if (this.#inFlight.size === 0 && this.#pruning.size === 0) this.#writer?.unref();
      if (answer.error === undefined) chunk.resolve(answer.deleted ?? 0);
      else chunk.reject(new Error(answer.error));
      return;
    }
    const batch = this.#inFlight.get(answer.id);
    if (batch === undefined) return;
    this.#inFlight.delete(answer.id);
    if (this.#inFlight.size === 0 && this.#pruning.size === 0) this.#writer?.unref();
    for (const { index, error } of answer.refused ?? []) {
      // It can never be written (a value SQLite cannot bind or store): say which request, and drop it.
      this.#logger.error({ err: new Error(error), requestId: batch.rows[index]![0] }, 'ledger row refused by the database; request not recorded');
    }
    const kept = answer.error !== undefined ? batch.rows : (answer.retry ?? []).map(({ index }) => batch.rows[index]!);
    if (kept.length > 0) {
      // Keep the rows for the next attempt rather than lose them.
      this.#buffer.unshift(...kept);
      this.#logger.error({ err: new Error(answer.error ?? answer.retry![0]!.error), rows: kept.length }, 'ledger write failed; rows kept for the next flush');
      if (!this.#closed) this.#timer ??= setTimeout(() => this.#send(), this.#options.flushIntervalMs * 5);
    }
    batch.answer();
  }
}
