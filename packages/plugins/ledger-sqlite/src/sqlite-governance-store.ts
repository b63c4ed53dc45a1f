import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  applyKeyUpdate,
  fromKeyRow,
  keyColumns,
  periodStart,
  toKeyRow,
  type Budget,
  type BudgetPeriod,
  type BudgetSubject,
  type DirectoryEntry,
  type DirectoryKind,
  type DirectoryRow,
  type GovernanceStore,
  type KeyRow,
  type ReservationRequest,
  type ReserveOutcome,
  type VirtualKeyRecord,
  type VirtualKeyUpdate,
  directoryLimitColumns,
  fromDirectoryRow,
  requestLookupSql,
  requestRecordsSql,
  spendSql,
  toRequestRecord,
  toSpendRow,
  type AuditEntry,
  type RequestRecord,
  type RequestLookup,
  type RequestRecordQuery,
  type SpendQuery,
  type SpendRow,
} from '@tollgate/core';
import { BudgetBatch, type BudgetWork } from './budget-batch.js';

/** How long a settlement waits for others to share its commit. */
const settleDelayMs = 10;
/** While another connection holds the write lock, how often a batch tries again, and for how long at most. */
const lockedRetryMs = 2;
const lockedGiveUpMs = 5_000;

/** A budget operation waiting for its batch, and its caller's promise. */
interface QueuedWork {
  readonly work: BudgetWork;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** SQLite's `SQLITE_BUSY`: another connection holds the write lock. */
function isLocked(error: unknown): boolean {
  return (error as { errcode?: unknown } | null)?.errcode === 5;
}

/**
 * Virtual keys and hard budgets in the SQLite file. Reservations, settlements and budget reads queued
 * in one event-loop turn (settlements: within 10 ms) run together in one `BEGIN IMMEDIATE`
 * transaction (see {@link BudgetBatch}): SQLite's write lock orders them across every process that
 * opens the file, and each is judged in turn against the totals the previous ones left. Batches run
 * on a connection of their own that never waits for the lock: while another connection holds it (the
 * ledger's writer thread, another process), the batch tries again 2 ms later, so the event loop is
 * never blocked on it. Keys, budget changes, the directory and the audit log use the connection the
 * store is given: rare writes, which may wait (blocking) up to its busy timeout.
 */
export class SqliteGovernanceStore implements GovernanceStore {
  readonly #database: DatabaseSync;
  /** The batches' connection: `synchronous = NORMAL` like the others (no sync per commit), no busy timeout, no checkpoints (the ledger's writer thread runs them). */
  readonly #batchDatabase: DatabaseSync;
  readonly #batches: BudgetBatch;
  #queue: QueuedWork[] = [];
  /** How the next batch is scheduled: at the end of this turn, after {@link settleDelayMs}, or after {@link lockedRetryMs}. */
  #scheduled: 'immediate' | 'timer' | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** When the batch first found the write lock taken (performance.now()), while it waits for it. */
  #lockedSince: number | undefined;
  readonly #statements: Record<'findKey' | 'insertKey' | 'updateKey' | 'upsertBudget' | 'removeBudget' | 'countHolds', StatementSync>;

  /** `database` is a migrated Tollgate file's connection (see `openDatabase`); the store opens a second one on the same file for its batches. */
  constructor(database: DatabaseSync) {
    this.#database = database;
    const location = database.location();
    if (location === null) throw new Error('The SQLite governance store needs a database file, not an in-memory database.');
    this.#batchDatabase = new DatabaseSync(location);
    this.#batchDatabase.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 0; PRAGMA wal_autocheckpoint = 0;');
    this.#batches = new BudgetBatch(this.#batchDatabase);
    const prepare = (sql: string) => this.#database.prepare(sql);
    this.#statements = {
      findKey: prepare('SELECT * FROM tollgate_keys WHERE hash = ?'),
      insertKey: prepare(`INSERT INTO tollgate_keys (${keyColumns.join(', ')}) VALUES (${keyColumns.map(() => '?').join(', ')})`),
      updateKey: prepare('UPDATE tollgate_keys SET alias = ?, models = ?, expires_at = ?, status = ?, metadata = ?, limits = ?, tags = ? WHERE id = ?'),
      upsertBudget: prepare(
        `INSERT INTO tollgate_budgets (scope, subject_id, limit_micros, period, period_started_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scope, subject_id) DO UPDATE SET limit_micros = excluded.limit_micros, period = excluded.period`,
      ),
      removeBudget: prepare('DELETE FROM tollgate_budgets WHERE scope = ? AND subject_id = ?'),
      countHolds: prepare('SELECT COUNT(DISTINCT id) AS count FROM tollgate_reservations'),
    };
  }

  async findKeyByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.#statements.findKey.get(hash) as KeyRow | undefined;
    return row === undefined ? undefined : fromKeyRow(row);
  }

  async createKey(record: VirtualKeyRecord): Promise<void> {
    this.#statements.insertKey.run(...toKeyRow(record));
  }

  async listKeys(filter: { readonly teamId?: string } = {}): Promise<VirtualKeyRecord[]> {
    const rows = filter.teamId === undefined
      ? this.#database.prepare('SELECT * FROM tollgate_keys ORDER BY created_at DESC').all()
      : this.#database.prepare('SELECT * FROM tollgate_keys WHERE team_id = ? ORDER BY created_at DESC').all(filter.teamId);
    return (rows as unknown as KeyRow[]).map(fromKeyRow);
  }

  async updateKey(id: string, update: VirtualKeyUpdate): Promise<VirtualKeyRecord | undefined> {
    return this.#transaction(() => {
      const row = this.#database.prepare('SELECT * FROM tollgate_keys WHERE id = ?').get(id) as KeyRow | undefined;
      if (row === undefined) return undefined;
      const next = applyKeyUpdate(fromKeyRow(row), update);
      const values = toKeyRow(next);
      const column = (name: (typeof keyColumns)[number]) => values[keyColumns.indexOf(name)]!;
      this.#statements.updateKey.run(column('alias'), column('models'), column('expires_at'), column('status'), column('metadata'), column('limits'), column('tags'), id);
      return next;
    });
  }

  async rotateKey(id: string, hash: string, hint: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.#database.prepare("UPDATE tollgate_keys SET hash = ?, hint = ? WHERE id = ? AND status != 'revoked' RETURNING *").get(hash, hint, id) as KeyRow | undefined;
    return row === undefined ? undefined : fromKeyRow(row);
  }

  async reserve(request: ReservationRequest): Promise<ReserveOutcome> {
    return this.#batched({ op: 'reserve', request }, true) as Promise<ReserveOutcome>;
  }

  async settle(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): Promise<readonly Budget[]> {
    // Not urgent: until it is settled the hold keeps the budget more conservative, never less.
    return this.#batched({ op: 'settle', reservationId, subjects, costMicros, now }, false) as Promise<readonly Budget[]>;
  }

  async setBudget(subject: BudgetSubject, limitMicros: number, period: BudgetPeriod, now: number): Promise<Budget> {
    this.#statements.upsertBudget.run(subject.scope, subject.id, limitMicros, period, periodStart(period, now));
    // Read back through the batches, which roll the period over when a new one began.
    const [budget] = await this.getBudgets([subject], now);
    return budget!;
  }

  async removeBudget(subject: BudgetSubject): Promise<boolean> {
    return this.#statements.removeBudget.run(subject.scope, subject.id).changes > 0;
  }

  async getBudgets(subjects: readonly BudgetSubject[], now: number): Promise<Budget[]> {
    return this.#batched({ op: 'getBudgets', subjects, now }, true) as Promise<Budget[]>;
  }

  async listBudgets(now: number): Promise<Budget[]> {
    const subjects = this.#database.prepare('SELECT scope, subject_id AS id FROM tollgate_budgets').all() as unknown as BudgetSubject[];
    return this.getBudgets(subjects, now);
  }

  async putEntry(entry: DirectoryEntry): Promise<DirectoryEntry> {
    const limits = directoryLimitColumns(entry);
    const row = this.#database
      .prepare(
        `INSERT INTO tollgate_directory (kind, id, name, parent_id, metadata, limits, models, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, metadata = excluded.metadata, limits = excluded.limits, models = excluded.models RETURNING *`,
      )
      .get(entry.kind, entry.id, entry.name, entry.parentId ?? null, JSON.stringify(entry.metadata), limits.limits, limits.models, entry.createdAt) as unknown as DirectoryRow;
    return fromDirectoryRow(row);
  }

  async getEntry(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined> {
    const row = this.#database.prepare('SELECT * FROM tollgate_directory WHERE kind = ? AND id = ?').get(kind, id) as DirectoryRow | undefined;
    return row === undefined ? undefined : fromDirectoryRow(row);
  }

  async listEntries(kind: DirectoryKind, parentId?: string): Promise<DirectoryEntry[]> {
    const rows = parentId === undefined
      ? this.#database.prepare('SELECT * FROM tollgate_directory WHERE kind = ? ORDER BY id').all(kind)
      : this.#database.prepare('SELECT * FROM tollgate_directory WHERE kind = ? AND parent_id = ? ORDER BY id').all(kind, parentId);
    return (rows as unknown as DirectoryRow[]).map(fromDirectoryRow);
  }

  async removeEntry(kind: DirectoryKind, id: string): Promise<boolean> {
    return this.#database.prepare('DELETE FROM tollgate_directory WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }

  async spend(query: SpendQuery): Promise<SpendRow[]> {
    const { text, values } = spendSql(query, 'sqlite');
    return (this.#database.prepare(text).all(...(values as (string | number)[])) as Record<string, unknown>[]).map(toSpendRow);
  }

  async requests(query: RequestRecordQuery): Promise<RequestRecord[]> {
    const { text, values } = requestRecordsSql(query, 'sqlite');
    return (this.#database.prepare(text).all(...(values as (string | number)[])) as Record<string, unknown>[]).map(toRequestRecord);
  }

  async request(lookup: RequestLookup): Promise<RequestRecord | undefined> {
    for (const by of ['request', 'answer'] as const) {
      const { text, values } = requestLookupSql(lookup, by, 'sqlite');
      const row = (this.#database.prepare(text).get(...(values as (string | number)[])) as Record<string, unknown> | undefined);
      if (row !== undefined) return toRequestRecord(row);
    }
    return undefined;
  }

  async record(entry: AuditEntry): Promise<void> {
    this.#database.prepare('INSERT INTO tollgate_audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)').run(entry.at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details));
  }

  async list(limit: number): Promise<AuditEntry[]> {
    const rows = this.#database.prepare('SELECT at, actor, action, subject, details FROM tollgate_audit ORDER BY id DESC LIMIT ?').all(limit) as { at: number; actor: string; action: string; subject: string; details: string }[];
    return rows.map((row) => ({ at: Number(row.at), actor: row.actor, action: row.action, subject: row.subject, details: JSON.parse(row.details) as Record<string, unknown> }));
  }

  async countReservations(): Promise<number> {
    return Number((this.#statements.countHolds.get() as { count: number }).count);
  }

  /** Runs `body` in a write transaction of its own. */
  #transaction<T>(body: () => T): T {
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.#database.exec('COMMIT');
      return result;
    } catch (error) {
      this.#database.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Queues an operation for the next batch; the caller learns its outcome once the batch is committed.
   * Urgent work (a reservation a request waits for) runs at the end of this event-loop turn;
   * settlements wait up to {@link settleDelayMs} for company, or ride along with the next batch.
   */
  #batched(work: BudgetWork, urgent: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      // Waiting for the lock: the retry timer runs what is queued.
      if (this.#lockedSince !== undefined || this.#scheduled === 'immediate' || (this.#scheduled === 'timer' && !urgent)) return;
      clearTimeout(this.#timer);
      if (urgent) {
        this.#scheduled = 'immediate';
        setImmediate(() => this.#runBatch());
      } else {
        this.#scheduled = 'timer';
        this.#timer = setTimeout(() => this.#runBatch(), settleDelayMs);
      }
    });
  }

  /** Commits what is queued now, without waiting for its turn or timer, then closes the batches' connection (on shutdown). */
  async close(): Promise<void> {
    while (this.#queue.length > 0 && this.#batchDatabase.isOpen) {
      this.#runBatch();
      if (this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, lockedRetryMs));
    }
    clearTimeout(this.#timer);
    if (this.#batchDatabase.isOpen) this.#batchDatabase.close();
  }

  #runBatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#scheduled = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let outcomes;
    try {
      outcomes = this.#batches.run(batch.map((queued) => queued.work));
    } catch (error) {
      const waited = this.#lockedSince === undefined ? 0 : performance.now() - this.#lockedSince;
      if (isLocked(error) && waited < lockedGiveUpMs) {
        // Taken by another connection: try again shortly, this batch first, without blocking the event loop.
        this.#lockedSince ??= performance.now();
        this.#queue = batch.concat(this.#queue);
        this.#timer = setTimeout(() => this.#runBatch(), lockedRetryMs);
        return;
      }
      this.#lockedSince = undefined;
      for (const queued of batch) queued.reject(error);
      return;
    }
    this.#lockedSince = undefined;
    batch.forEach((queued, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  }
}
