import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ResponseStore, StoredResponse } from '@tollgate/core';

/** How often turns past their retention are deleted. */
const pruneIntervalMs = 60 * 60 * 1000;

interface ResponseRow {
  id: string;
  owner_key_id: string | null;
  previous_response_id: string | null;
  created_at: number;
  input: string;
  output: string;
  response: string;
}

/**
 * Responses API turns in the ledger's SQLite file (`tollgate_responses`), one row each with its own
 * items as JSON: a conversation is read by walking its turns back. Statements run on the connection
 * the governance store uses (a primary-key read or one insert per turn); turns older than the
 * retention are deleted at start-up and every hour.
 */
export class SqliteResponseStore implements ResponseStore {
  readonly #insert: StatementSync;
  readonly #select: StatementSync;
  readonly #delete: StatementSync;
  readonly #prune: StatementSync;
  readonly #retentionMs: number;
  readonly #timer: NodeJS.Timeout;

  constructor(database: DatabaseSync, retentionDays: number) {
    this.#insert = database.prepare('INSERT OR REPLACE INTO tollgate_responses (id, owner_key_id, previous_response_id, created_at, input, output, response) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#select = database.prepare('SELECT * FROM tollgate_responses WHERE id = ? AND created_at >= ?');
    this.#delete = database.prepare('DELETE FROM tollgate_responses WHERE id = ?');
    this.#prune = database.prepare('DELETE FROM tollgate_responses WHERE created_at < ?');
    this.#retentionMs = retentionDays * 24 * 60 * 60 * 1000;
    this.#pruneExpired();
    this.#timer = setInterval(() => this.#pruneExpired(), pruneIntervalMs);
    this.#timer.unref();
  }

  async save(response: StoredResponse): Promise<void> {
    this.#insert.run(response.id, response.ownerKeyId ?? null, response.previousResponseId ?? null, response.createdAt, JSON.stringify(response.input), JSON.stringify(response.output), JSON.stringify(response.response));
  }

  async load(id: string): Promise<StoredResponse | undefined> {
    const row = this.#select.get(id, Date.now() - this.#retentionMs) as ResponseRow | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      ownerKeyId: row.owner_key_id ?? undefined,
      previousResponseId: row.previous_response_id ?? undefined,
      createdAt: row.created_at,
      input: JSON.parse(row.input) as unknown[],
      output: JSON.parse(row.output) as unknown[],
      response: JSON.parse(row.response) as unknown,
    };
  }

  async delete(id: string): Promise<boolean> {
    return Number(this.#delete.run(id).changes) > 0;
  }

  /** Stops the hourly pruning. */
  close(): void {
    clearInterval(this.#timer);
  }

  #pruneExpired(): void {
    this.#prune.run(Date.now() - this.#retentionMs);
  }
}
