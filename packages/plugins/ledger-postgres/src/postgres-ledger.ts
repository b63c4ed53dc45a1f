import pg from 'pg';
import { ledgerColumns, scheduleLedgerRetention, toLedgerValues, type Ledger, type LedgerEntry, type LedgerRetention, type Logger } from '@tollgate/core';
import type { LedgerPostgresOptions } from './ledger-postgres-options.js';
import { migrate } from './migrate.js';

/** `INSERT … VALUES ($1, …), ($22, …)` for `rows` rows. */
function insertSql(rows: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    const first = row * ledgerColumns.length;
    tuples.push(`(${ledgerColumns.map((_, column) => `$${first + column + 1}`).join(', ')})`);
  }
  return `INSERT INTO tollgate_requests (${ledgerColumns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/** Where `started_at` is in a row. */
const startedAtColumn = ledgerColumns.indexOf('started_at');

/** One entry's values, in `ledgerColumns` order; `started_at` as a timestamp. */
function rowValues(entry: LedgerEntry): unknown[] {
  const values: unknown[] = toLedgerValues(entry);
  values[startedAtColumn] = new Date(entry.startedAt);
  return values;
}

/** Rows one pruning statement deletes at most, so no statement holds its locks for long. */
const pruneChunkRows = 5_000;

/** Deletes a chunk of the oldest rows of requests that arrived before `$1`, through the time index. */
const pruneSql = 'DELETE FROM tollgate_requests WHERE id IN (SELECT id FROM tollgate_requests WHERE started_at < $1 ORDER BY started_at LIMIT $2)';

/** Whether PostgreSQL refused a row for itself: a data exception (class 22) or an integrity constraint (class 23). */
function isRowRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * The PostgreSQL ledger: one row per finished request, in a database every gateway instance shares.
 * `record` only appends to a memory buffer (no I/O on the request path); the buffer is written as
 * multi-row inserts every `flushIntervalMs` or every `batchSize` rows, one write at a time, and
 * drained by `flush`/`close`. A failed write keeps its rows and retries; while the database is
 * unreachable at most `maxBufferedRows` are kept, and what is dropped beyond that is logged. A row
 * the database refuses for itself (a NOT NULL or type error) is dropped and logged, the rest written.
 * With `retentionDays`, rows older than that are deleted at start-up and every hour, a chunk at a time.
 */
export class PostgresLedger implements Ledger {
  readonly #pool: pg.Pool;
  readonly #options: LedgerPostgresOptions;
  readonly #logger: Logger;
  #buffer: LedgerEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  /** True while the last write failed: retries wait longer than the flush interval. */
  #failing = false;
  #retention: LedgerRetention | undefined;

  private constructor(options: LedgerPostgresOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    // An idle connection the server closed must not crash the gateway; the next write reconnects.
    this.#pool.on('error', (error) => this.#logger.warn({ err: error }, 'ledger connection lost'));
  }

  /** Connects, applies the migrations, and returns a ledger ready to record. */
  static async open(options: LedgerPostgresOptions, logger: Logger): Promise<PostgresLedger> {
    const ledger = new PostgresLedger(options, logger);
    try {
      await migrate(ledger.#pool, options.schema);
    } catch (error) {
      await ledger.#pool.end();
      throw error;
    }
    if (options.retentionDays !== undefined) ledger.#retention = scheduleLedgerRetention((before) => ledger.prune(before), options.retentionDays, logger);
    return ledger;
  }

  /** Deletes the rows of requests that arrived before `before` (epoch ms), 5,000 per statement; resolves with how many. */
  async prune(before: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { rowCount } = await this.#pool.query(pruneSql, [new Date(before), pruneChunkRows]);
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < pruneChunkRows || this.#closed) return deleted;
    }
  }

  record(entry: LedgerEntry): void {
    if (this.#closed) {
      this.#logger.error({ requestId: entry.requestId }, 'ledger closed; request not recorded');
      return;
    }
    this.#buffer.push(entry);
    if (this.#buffer.length > this.#options.maxBufferedRows) {
      const dropped = this.#buffer.splice(0, this.#buffer.length - this.#options.maxBufferedRows);
      this.#logger.error({ rows: dropped.length, firstRequestId: dropped[0]?.requestId }, 'ledger buffer full while the database is unreachable; oldest rows dropped');
    }
    if (this.#buffer.length >= this.#options.batchSize) void this.#write();
    else this.#timer ??= setTimeout(() => void this.#write(), this.#options.flushIntervalMs);
  }

  /** Writes what is buffered; rejects when the database refuses (the rows stay buffered). */
  async flush(): Promise<void> {
    await this.#write();
    if (this.#buffer.length > 0) await this.#write(true);
  }

  /** Writes what is buffered and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
    } catch (error) {
      this.#logger.error({ err: error, rows: this.#buffer.length }, 'ledger could not write its last rows; they are not recorded');
    }
    clearTimeout(this.#timer);
    await this.#retention?.stop();
    await this.#pool.end();
  }

  /** Runs one write loop at a time; a call during a write joins it. */
  #write(throwOnFailure = false): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#drain(throwOnFailure).finally(() => {
      this.#writing = undefined;
      // Rows recorded after the loop's last look wait for the next timer.
      const delay = this.#failing ? Math.max(this.#options.flushIntervalMs * 10, 1_000) : this.#options.flushIntervalMs;
      if (this.#buffer.length > 0 && !this.#closed) this.#timer ??= setTimeout(() => void this.#write(), delay);
    });
    return this.#writing;
  }

  async #drain(throwOnFailure: boolean): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#options.batchSize);
      try {
        await this.#pool.query(insertSql(batch.length), batch.flatMap(rowValues));
        this.#failing = false;
      } catch (error) {
        // One bad row must not hold the others back (they would be retried with it forever): row by row.
        const kept = isRowRefused(error) ? await this.#insertOneByOne(batch) : { rows: batch, error };
        if (kept.rows.length === 0) continue;
        // Keep the rows for the next attempt rather than lose them.
        this.#buffer.unshift(...kept.rows);
        this.#failing = true;
        if (throwOnFailure) throw kept.error;
        this.#logger.error({ err: kept.error, rows: kept.rows.length }, 'ledger write failed; rows kept for the next flush');
        return;
      }
    }
  }

  /**
   * Inserts the rows one at a time: a row PostgreSQL refuses for itself is dropped with an error naming
   * its request; at the first other failure, that row and the rest are returned to be kept.
   */
  async #insertOneByOne(batch: LedgerEntry[]): Promise<{ rows: LedgerEntry[]; error?: unknown }> {
    for (const [index, entry] of batch.entries()) {
      try {
        await this.#pool.query(insertSql(1), rowValues(entry));
      } catch (error) {
        if (!isRowRefused(error)) return { rows: batch.slice(index), error };
        this.#logger.error({ err: error, requestId: entry.requestId }, 'ledger row refused by the database; request not recorded');
      }
    }
    return { rows: [] };
  }
}
