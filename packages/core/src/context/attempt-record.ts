/** One upstream attempt of a request, as headers, logs and the ledger report it. */
export interface AttemptRecord {
  /** The target's `provider/model`. */
  readonly target: string;
  /** `performance.now()` when the attempt started. */
  readonly startedAt: number;
  /** Milliseconds of backoff waited before this attempt. */
  readonly waitedMs: number;
  /** 200 on success, else the error's status; undefined while in flight. */
  status: number | undefined;
  errorCode: string | undefined;
  /** Until the answer (or its first chunk) arrived, or the attempt failed. */
  durationMs: number | undefined;
}
