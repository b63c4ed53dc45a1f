import { toLedgerRow, type Ledger, type LedgerEntry } from '@tollgate/core';
import { sampleLedgerEntry } from '../sample-ledger-entry.js';
import { expectContract, type ConformanceFailure } from './conformance-failure.js';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';

/** A ledger opened on an empty store for one check. */
export interface LedgerUnderTest {
  readonly ledger: Ledger;
  /** Shuts the ledger down the way the gateway does at exit (its plugin's `close`). */
  close(): Promise<void>;
  /** Every stored row, by `tollgate_requests` column name, read from the store itself (also after `close`). */
  rows(): Promise<readonly Record<string, unknown>[]>;
  /** Removes the store once the check is over. */
  dispose(): Promise<void>;
}

/** How to open the ledger under test on a fresh, empty store. */
export interface LedgerConformanceOptions {
  readonly open: () => Promise<LedgerUnderTest>;
}

/** Fails with a ledger {@link ConformanceFailure} unless `condition` holds. */
function point(condition: boolean, name: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, name, seen, fix, 'Ledger');
}

/** A number a driver may hand back as a number, bigint or numeric string; null stays null. */
const numeric = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

const requestIds = (rows: readonly Record<string, unknown>[]) => rows.map((row) => String(row.request_id));

/**
 * The checks every ledger must pass: nothing recorded is lost or doubled, unknown costs stay unknown,
 * and the gateway is never slowed or broken by its ledger. Each names, on failure, the contract
 * point and the fix.
 *
 * @example
 * for (const check of ledgerConformanceChecks({ open })) it(check.name, check.run);
 */
export function ledgerConformanceChecks(options: LedgerConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.open, (subject) => subject.dispose());
  return [
    check('record returns at once, without a promise or an exception', async ({ ledger, close }) => {
      const returned: unknown = ledger.record(sampleLedgerEntry(1));
      point(returned === undefined, 'record is fire-and-forget (it runs on the request path)', () => String(returned), 'Buffer the entry and write it later; return nothing.');
      await close();
    }),
    check('flush stores every recorded entry exactly once, with its counts and cost', async ({ ledger, rows, close }) => {
      const entries = Array.from({ length: 1_000 }, (_, index) => sampleLedgerEntry(index));
      for (const entry of entries) ledger.record(entry);
      await ledger.flush();
      const stored = await rows();
      const ids = new Set(requestIds(stored));
      point(stored.length === 1_000 && ids.size === 1_000, 'every entry is stored once', () => `${stored.length} rows, ${ids.size} distinct request ids`, 'Write every buffered entry on flush; never write a batch twice.');
      const row = stored.find((candidate) => candidate.request_id === 'req-7');
      const expected = toLedgerRow(entries[7]!);
      const kept = (['prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_write_tokens', 'web_searches', 'cost_micros', 'latency_ms', 'status'] as const).filter((column) => numeric(row?.[column]) !== numeric(expected[column]));
      const texts = (['response_id', 'finish_reason', 'service_tier'] as const).filter((column) => row?.[column] !== expected[column]);
      point(kept.length === 0 && texts.length === 0, 'counts, cost, latency, status and the answer\'s id, finish reason and service tier are stored as recorded', () => `differs: ${[...kept, ...texts].join(', ')}`, 'Store each LedgerEntry field in its column (toLedgerRow from @tollgate/core).');
      await close();
    }),
    check('an unknown cost is stored as unknown, never as 0', async ({ ledger, rows, close }) => {
      const unpriced: LedgerEntry = { ...sampleLedgerEntry(1), costMicros: undefined, usage: undefined };
      ledger.record(unpriced);
      await ledger.flush();
      const row = (await rows())[0];
      point(row !== undefined && row.cost_micros === null && row.prompt_tokens === null, 'missing cost and usage are NULL', () => JSON.stringify({ cost_micros: row?.cost_micros, prompt_tokens: row?.prompt_tokens }), 'Write null for undefined fields; a 0 would read as a free request.');
      await close();
    }),
    check('close writes what is still buffered before it resolves', async ({ ledger, rows, close }) => {
      for (let index = 0; index < 300; index += 1) ledger.record(sampleLedgerEntry(index));
      await close();
      const stored = await rows();
      point(stored.length === 300, 'shutdown drains the buffer', () => `${stored.length} of 300 rows`, 'In close, write every buffered entry, then release the store.');
    }),
    check('record after close neither throws nor stores', async ({ ledger, rows, close }) => {
      await close();
      let thrown: unknown;
      try {
        ledger.record(sampleLedgerEntry(1));
      } catch (error) {
        thrown = error;
      }
      point(thrown === undefined, 'a late record cannot break a request that is finishing', () => String(thrown), 'After close, log the lost entry instead of throwing.');
      point((await rows()).length === 0, 'a closed ledger stores nothing', () => 'a row was stored after close', 'Refuse records once closed.');
    }),
  ];
}
