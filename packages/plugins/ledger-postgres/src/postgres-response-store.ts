import type pg from 'pg';
import type { Logger, ResponseStore, StoredResponse } from '@tollgate/core';

/** How often turns past their retention are deleted. */
const pruneIntervalMs = 60 * 60 * 1000;

interface ResponseRow {
  id: string;
  owner_key_id: string | null;
  previous_response_id: string | null;
  created_at: string;
  input: string;
  output: string;
  response: string;
}

/**
 * Responses API turns in PostgreSQL (`tollgate_responses`), shared by every gateway instance: one row
 * each with its own items as JSON, a conversation read by walking its turns back (a primary-key read
 * each). Turns older than the retention are deleted at start-up and every hour.
 */
export class PostgresResponseStore implements ResponseStore {
  readonly #pool: pg.Pool;
  readonly #retentionMs: number;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;

  constructor(pool: pg.Pool, retentionDays: number, logger: Logger) {
    this.#pool = pool;
    this.#retentionMs = retentionDays * 24 * 60 * 60 * 1000;
    this.#logger = logger;
    void this.#pruneExpired();
    this.#timer = setInterval(() => void this.#pruneExpired(), pruneIntervalMs);
    this.#timer.unref();
  }

  async save(response: StoredResponse): Promise<void> {
    await this.#pool.query({
      name: 'tollgate-save-response',
      text: `INSERT INTO tollgate_responses (id, owner_key_id, previous_response_id, created_at, input, output, response) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (id) DO UPDATE SET owner_key_id = EXCLUDED.owner_key_id, previous_response_id = EXCLUDED.previous_response_id, created_at = EXCLUDED.created_at, input = EXCLUDED.input, output = EXCLUDED.output, response = EXCLUDED.response`,
      values: [response.id, response.ownerKeyId ?? null, response.previousResponseId ?? null, response.createdAt, JSON.stringify(response.input), JSON.stringify(response.output), JSON.stringify(response.response)],
    });
  }

  async load(id: string): Promise<StoredResponse | undefined> {
    const { rows } = await this.#pool.query<ResponseRow>({ name: 'tollgate-load-response', text: 'SELECT * FROM tollgate_responses WHERE id = $1 AND created_at >= $2', values: [id, Date.now() - this.#retentionMs] });
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      id: row.id,
      ownerKeyId: row.owner_key_id ?? undefined,
      previousResponseId: row.previous_response_id ?? undefined,
      createdAt: Number(row.created_at),
      input: JSON.parse(row.input) as unknown[],
      output: JSON.parse(row.output) as unknown[],
      response: JSON.parse(row.response) as unknown,
    };
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query({ name: 'tollgate-delete-response', text: 'DELETE FROM tollgate_responses WHERE id = $1', values: [id] });
    return (rowCount ?? 0) > 0;
  }

  /** Stops the hourly pruning. */
  close(): void {
    clearInterval(this.#timer);
  }

  async #pruneExpired(): Promise<void> {
    try {
      await this.#pool.query({ name: 'tollgate-prune-responses', text: 'DELETE FROM tollgate_responses WHERE created_at < $1', values: [Date.now() - this.#retentionMs] });
    } catch (error) {
      this.#logger.warn({ err: error }, 'kept Responses API turns could not be pruned; retried in an hour');
    }
  }
}
