import pg from 'pg';
import {
  applyKeyUpdate,
  fromBudgetRow,
  fromKeyRow,
  keyColumns,
  periodStart,
  toKeyRow,
  type Budget,
  type BudgetPeriod,
  type BudgetRow,
  type BudgetSubject,
  type DirectoryEntry,
  type DirectoryKind,
  type DirectoryRow,
  type GovernanceStore,
  type KeyRow,
  type Logger,
  type ReservationRequest,
  type ReserveOutcome,
  type VirtualKeyRecord,
  type VirtualKeyUpdate,
  directoryLimitColumns,
  fromDirectoryRow,
  spendSql,
  requestLookupSql,
  requestRecordsSql,
  toRequestRecord,
  toSpendRow,
  type AuditEntry,
  type RequestRecord,
  type RequestLookup,
  type RequestRecordQuery,
  type SpendQuery,
  type SpendRow,
} from '@tollgate/core';
import type { LedgerPostgresOptions } from './ledger-postgres-options.js';
import { migrate } from './migrate.js';
import { runBudgetBatch, type BudgetWork } from './postgres-budget-batch.js';

/** Reservations and settlements written in one transaction at most. */
const maxBatch = 500;

/** Subjects as two parallel arrays, for `unnest`. */
function subjectArrays(subjects: readonly BudgetSubject[]): [string[], string[]] {
  return [subjects.map((subject) => subject.scope), subjects.map((subject) => subject.id)];
}

const inSubjects = '(scope, subject_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))';

/**
 * Virtual keys and hard budgets in PostgreSQL, shared by every gateway instance. Reservations and
 * settlements are written in batches (`runBudgetBatch`), one transaction at a time per instance; a
 * budget read or change from the admin API is a transaction of its own. Every transaction locks the
 * budget rows it touches with `ORDER BY scope, subject_id FOR UPDATE` — always in the same order, so
 * concurrent transactions never deadlock — before it touches their holds, releases lapsed holds and
 * starts a new period where one began.
 */
export class PostgresGovernanceStore implements GovernanceStore {
  readonly #pool: pg.Pool;
  #queue: BudgetWork[] = [];
  #draining: Promise<void> | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** The store's pool, for the response store that shares it. */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** Connects (its own pool: reservations are on the request path) and applies the migrations, unless they just were. */
  static async open(options: LedgerPostgresOptions, logger: Logger, { migrated = false }: { readonly migrated?: boolean } = {}): Promise<PostgresGovernanceStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.governanceConnections,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    pool.on('error', (error) => logger.warn({ err: error }, 'governance store connection lost'));
    try {
      if (!migrated) await migrate(pool, options.schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresGovernanceStore(pool);
  }

  async findKeyByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const { rows } = await this.#pool.query<KeyRow>({ name: 'tollgate-find-key', text: 'SELECT * FROM tollgate_keys WHERE hash = $1', values: [hash] });
    return rows[0] === undefined ? undefined : fromKeyRow(rows[0]);
  }

  async createKey(record: VirtualKeyRecord): Promise<void> {
    await this.#pool.query(`INSERT INTO tollgate_keys (${keyColumns.join(', ')}) VALUES (${keyColumns.map((_, index) => `$${index + 1}`).join(', ')})`, toKeyRow(record));
  }

  async listKeys(filter: { readonly teamId?: string } = {}): Promise<VirtualKeyRecord[]> {
    const { rows } = filter.teamId === undefined
      ? await this.#pool.query<KeyRow>('SELECT * FROM tollgate_keys ORDER BY created_at DESC')
      : await this.#pool.query<KeyRow>('SELECT * FROM tollgate_keys WHERE team_id = $1 ORDER BY created_at DESC', [filter.teamId]);
    return rows.map(fromKeyRow);
  }

  async updateKey(id: string, update: VirtualKeyUpdate): Promise<VirtualKeyRecord | undefined> {
    return this.#transaction(async (client) => {
      const { rows } = await client.query<KeyRow>('SELECT * FROM tollgate_keys WHERE id = $1 FOR UPDATE', [id]);
      if (rows[0] === undefined) return undefined;
      const next = applyKeyUpdate(fromKeyRow(rows[0]), update);
      const values = toKeyRow(next);
      const column = (name: (typeof keyColumns)[number]) => values[keyColumns.indexOf(name)];
      await client.query('UPDATE tollgate_keys SET alias = $1, models = $2, expires_at = $3, status = $4, metadata = $5, limits = $6, tags = $7 WHERE id = $8', [column('alias'), column('models'), column('expires_at'), column('status'), column('metadata'), column('limits'), column('tags'), id]);
      return next;
    });
  }

  async rotateKey(id: string, hash: string, hint: string): Promise<VirtualKeyRecord | undefined> {
    const { rows } = await this.#pool.query<KeyRow>("UPDATE tollgate_keys SET hash = $1, hint = $2 WHERE id = $3 AND status <> 'revoked' RETURNING *", [hash, hint, id]);
    return rows[0] === undefined ? undefined : fromKeyRow(rows[0]);
  }

  async reserve(request: ReservationRequest): Promise<ReserveOutcome> {
    return new Promise<ReserveOutcome>((resolve, reject) => this.#enqueue({ kind: 'reserve', request, resolve, reject }));
  }

  async settle(reservationId: string, subjects: readonly BudgetSubject[], costMicros: number, now: number): Promise<readonly Budget[]> {
    return new Promise<readonly Budget[]>((resolve, reject) => this.#enqueue({ kind: 'settle', id: reservationId, subjects, costMicros, now, resolve, reject }));
  }

  async setBudget(subject: BudgetSubject, limitMicros: number, period: BudgetPeriod, now: number): Promise<Budget> {
    return this.#transaction(async (client) => {
      await client.query(
        `INSERT INTO tollgate_budgets (scope, subject_id, limit_micros, period, period_started_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, subject_id) DO UPDATE SET limit_micros = excluded.limit_micros, period = excluded.period`,
        [subject.scope, subject.id, limitMicros, period, periodStart(period, now)],
      );
      return (await this.#lockBudgets(client, [subject], now))[0]!;
    });
  }

  async removeBudget(subject: BudgetSubject): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM tollgate_budgets WHERE scope = $1 AND subject_id = $2', [subject.scope, subject.id]);
    return (rowCount ?? 0) > 0;
  }

  async getBudgets(subjects: readonly BudgetSubject[], now: number): Promise<Budget[]> {
    return this.#transaction((client) => this.#lockBudgets(client, subjects, now));
  }

  async listBudgets(now: number): Promise<Budget[]> {
    const { rows } = await this.#pool.query<BudgetSubject>('SELECT scope, subject_id AS id FROM tollgate_budgets');
    return this.getBudgets(rows, now);
  }

  async putEntry(entry: DirectoryEntry): Promise<DirectoryEntry> {
    const limits = directoryLimitColumns(entry);
    const { rows } = await this.#pool.query<DirectoryRow>(
      `INSERT INTO tollgate_directory (kind, id, name, parent_id, metadata, limits, models, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, metadata = excluded.metadata, limits = excluded.limits, models = excluded.models RETURNING *`,
      [entry.kind, entry.id, entry.name, entry.parentId ?? null, JSON.stringify(entry.metadata), limits.limits, limits.models, entry.createdAt],
    );
    return fromDirectoryRow(rows[0]!);
  }

  async getEntry(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined> {
    const { rows } = await this.#pool.query<DirectoryRow>('SELECT * FROM tollgate_directory WHERE kind = $1 AND id = $2', [kind, id]);
    return rows[0] === undefined ? undefined : fromDirectoryRow(rows[0]);
  }

  async listEntries(kind: DirectoryKind, parentId?: string): Promise<DirectoryEntry[]> {
    const { rows } = parentId === undefined
      ? await this.#pool.query<DirectoryRow>('SELECT * FROM tollgate_directory WHERE kind = $1 ORDER BY id', [kind])
      : await this.#pool.query<DirectoryRow>('SELECT * FROM tollgate_directory WHERE kind = $1 AND parent_id = $2 ORDER BY id', [kind, parentId]);
    return rows.map(fromDirectoryRow);
  }

  async removeEntry(kind: DirectoryKind, id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM tollgate_directory WHERE kind = $1 AND id = $2', [kind, id]);
    return (rowCount ?? 0) > 0;
  }

  async spend(query: SpendQuery): Promise<SpendRow[]> {
    const { text, values } = spendSql(query, 'postgres');
    return (await this.#pool.query(text, values)).rows.map(toSpendRow);
  }

  async requests(query: RequestRecordQuery): Promise<RequestRecord[]> {
    const { text, values } = requestRecordsSql(query, 'postgres');
    return (await this.#pool.query(text, values)).rows.map(toRequestRecord);
  }

  async request(lookup: RequestLookup): Promise<RequestRecord | undefined> {
    for (const by of ['request', 'answer'] as const) {
      const { text, values } = requestLookupSql(lookup, by, 'postgres');
      const row = (await this.#pool.query(text, values)).rows[0];
      if (row !== undefined) return toRequestRecord(row);
    }
    return undefined;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.#pool.query('INSERT INTO tollgate_audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)', [entry.at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details)]);
  }

  async list(limit: number): Promise<AuditEntry[]> {
    const { rows } = await this.#pool.query<{ at: string; actor: string; action: string; subject: string; details: Record<string, unknown> }>('SELECT at, actor, action, subject, details FROM tollgate_audit ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((row) => ({ at: Number(row.at), actor: row.actor, action: row.action, subject: row.subject, details: row.details }));
  }

  async countReservations(): Promise<number> {
    const { rows } = await this.#pool.query<{ count: string }>('SELECT COUNT(DISTINCT id) AS count FROM tollgate_reservations');
    return Number(rows[0]!.count);
  }

  /** Closes the pool once the batch in flight (if any) has been written. */
  async close(): Promise<void> {
    await this.#draining;
    await this.#pool.end();
  }

  /**
   * Queues a reservation or settlement. One batch runs at a time per instance; what arrives while it
   * runs forms the next batch, so batches grow with load and a lone request waits for nothing.
   */
  #enqueue(work: BudgetWork): void {
    this.#queue.push(work);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, maxBatch);
      try {
        const outcomes = await this.#transaction((client) => runBudgetBatch(client, batch));
        batch.forEach((work, index) => work.resolve(outcomes[index] as never));
      } catch (error) {
        for (const work of batch) work.reject(error);
      }
    }
  }

  /**
   * Locks the subjects' budget rows in (scope, subject_id) order, releases their lapsed holds and starts a new
   * period where one began; returns the budgets as they now stand, in that order.
   */
  async #lockBudgets(client: pg.PoolClient, subjects: readonly BudgetSubject[], now: number): Promise<Budget[]> {
    if (subjects.length === 0) return [];
    const [scopes, ids] = subjectArrays(subjects);
    const { rows } = await client.query<BudgetRow>({
      name: 'tollgate-lock-budgets',
      text: `SELECT * FROM tollgate_budgets WHERE ${inSubjects} ORDER BY scope, subject_id FOR UPDATE`,
      values: [scopes, ids],
    });
    if (rows.length === 0) return [];
    const [lockedScopes, lockedIds] = [rows.map((row) => row.scope), rows.map((row) => row.subject_id)];
    const { rows: lapsed } = await client.query<{ scope: string; subject_id: string; amount: string }>({
      name: 'tollgate-release-lapsed',
      text: `WITH lapsed AS (DELETE FROM tollgate_reservations WHERE ${inSubjects} AND expires_at <= $3 RETURNING scope, subject_id, amount_micros)
             SELECT scope, subject_id, SUM(amount_micros) AS amount FROM lapsed GROUP BY scope, subject_id`,
      values: [lockedScopes, lockedIds, now],
    });
    const budgets: Budget[] = [];
    for (const row of rows) {
      const released = Number(lapsed.find((hold) => hold.scope === row.scope && hold.subject_id === row.subject_id)?.amount ?? 0);
      const start = periodStart(row.period as BudgetPeriod, now);
      const rolled = Number(row.period_started_at) < start;
      if (released === 0 && !rolled) {
        budgets.push(fromBudgetRow(row));
        continue;
      }
      const { rows: updated } = await client.query<BudgetRow>(
        `UPDATE tollgate_budgets SET reserved_micros = GREATEST(0, reserved_micros - $3),
           spent_micros = CASE WHEN $4 THEN 0 ELSE spent_micros END,
           period_started_at = CASE WHEN $4 THEN $5 ELSE period_started_at END
         WHERE scope = $1 AND subject_id = $2 RETURNING *`,
        [row.scope, row.subject_id, released, rolled, start],
      );
      budgets.push(fromBudgetRow(updated[0]!));
    }
    return budgets;
  }

  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
