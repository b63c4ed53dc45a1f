import { z } from '@tollgate/core';

/** Options of the SQLite ledger plugin. */
export const ledgerSqliteOptionsSchema = z
  .strictObject({
    /** The database file (created when missing); relative paths are relative to the working folder. */
    path: z.string().min(1).default('tollgate.sqlite'),
    /** Rows written per transaction at most. */
    batchSize: z.number().int().positive().default(500),
    /** Longest time a finished request waits in memory before it is written. */
    flushIntervalMs: z.number().int().positive().default(200),
    /**
     * Days a request's row is kept; older rows are deleted at start-up and every hour, in chunks on the
     * writer thread. Kept forever when left out. Budgets keep their own spend: only reports lose the rows.
     */
    retentionDays: z.number().positive().optional(),
    /**
     * Days a Responses API turn is kept for `previous_response_id` and `GET /v1/responses/{id}`
     * (OpenAI keeps its own 30 days); older turns are deleted at start-up and every hour.
     */
    responseRetentionDays: z.number().positive().default(30),
  })
  .prefault({});

/** Options of the SQLite ledger plugin, with defaults applied. */
export type LedgerSqliteOptions = z.output<typeof ledgerSqliteOptionsSchema>;
