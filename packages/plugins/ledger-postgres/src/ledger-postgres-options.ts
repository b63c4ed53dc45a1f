import { z } from '@tollgate/core';

/** Options of the PostgreSQL ledger plugin. */
export const ledgerPostgresOptionsSchema = z.strictObject({
  /** `postgres://user:password@host:5432/database`; write `${DATABASE_URL}` rather than the password. */
  connectionString: z.string().min(1),
  /** Schema of the ledger's tables (created when missing); the connection's `search_path` when left out. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier (letters, digits, _)')
    .optional(),
  /** Connections the ledger may hold at most (writes are batched: one or two is plenty). */
  maxConnections: z.number().int().positive().default(2),
  /** Connections of the key and budget store (a reservation and a settlement per budgeted request). */
  governanceConnections: z.number().int().positive().default(10),
  /** Rows written per insert at most. */
  batchSize: z.number().int().positive().max(2_000).default(500),
  /** Longest time a finished request waits in memory before it is written. */
  flushIntervalMs: z.number().int().positive().default(200),
  /** Buffered rows kept at most while the database is unreachable; older rows beyond it are dropped and logged. */
  maxBufferedRows: z.number().int().positive().default(100_000),
  /**
   * Days a request's row is kept; older rows are deleted at start-up and every hour, 5,000 per
   * statement. Kept forever when left out. Budgets keep their own spend: only reports lose the rows.
   */
  retentionDays: z.number().positive().optional(),
  /**
   * Days a Responses API turn is kept for `previous_response_id` and `GET /v1/responses/{id}` (OpenAI
   * keeps its own 30 days); older turns are deleted at start-up and every hour.
   */
  responseRetentionDays: z.number().positive().default(30),
});

/** Options of the PostgreSQL ledger plugin, with defaults applied. */
export type LedgerPostgresOptions = z.output<typeof ledgerPostgresOptionsSchema>;
