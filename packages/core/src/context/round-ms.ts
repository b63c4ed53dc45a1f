/**
 * Milliseconds to two decimals: the precision the gateway reports a request's timings at, in log
 * lines (`durationMs`) and ledger rows alike; the clock's sixteen digits mean nothing and cost bytes.
 */
export function roundMs(milliseconds: number): number {
  return Math.round(milliseconds * 100) / 100;
}
