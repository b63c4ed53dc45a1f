import { describe, expect, it } from 'vitest';
import { toLedgerRow, type LedgerEntry } from '@tollgate/core';
import { ledgerConformanceChecks } from './ledger-conformance.js';

/** A ledger with every mistake the checks exist for: async record, doubled batch, 0 for unknown cost, lossy close. */
function sloppyLedger() {
  const stored: Record<string, unknown>[] = [];
  let buffer: LedgerEntry[] = [];
  let closed = false;
  const ledger = {
    record(entry: LedgerEntry) {
      if (closed) throw new Error('closed');
      buffer.push(entry);
      return Promise.resolve();
    },
    async flush() {
      for (const entry of buffer) stored.push({ ...toLedgerRow(entry), cost_micros: entry.costMicros ?? 0, prompt_tokens: entry.usage?.prompt_tokens ?? 0 });
      if (buffer.length > 1) stored.push(toLedgerRow(buffer.at(-1)!));
      buffer = [];
    },
  };
  return {
    ledger,
    close: async () => void (closed = true),
    rows: async () => stored,
    dispose: async () => {},
  };
}

describe('the ledger conformance checks', () => {
  it('fail a ledger that breaks the contract, naming the contract point and the fix', async () => {
    const outcomes: Record<string, string> = {};
    for (const check of ledgerConformanceChecks({ open: async () => sloppyLedger() })) {
      outcomes[check.name] = await check.run().then(
        () => 'passed',
        (error: Error) => error.message,
      );
    }
    expect(Object.keys(outcomes)).toHaveLength(5);
    expect(outcomes['record returns at once, without a promise or an exception']).toMatch(/^Ledger contract — record is fire-and-forget[\s\S]*fix: {2}Buffer the entry/);
    expect(outcomes['flush stores every recorded entry exactly once, with its counts and cost']).toMatch(/every entry is stored once[\s\S]*seen: 1001 rows, 1000 distinct/);
    expect(outcomes['an unknown cost is stored as unknown, never as 0']).toMatch(/missing cost and usage are NULL/);
    expect(outcomes['close writes what is still buffered before it resolves']).toMatch(/shutdown drains the buffer[\s\S]*seen: 0 of 300 rows/);
    expect(outcomes['record after close neither throws nor stores']).toMatch(/a late record cannot break a request/);
  });
});
