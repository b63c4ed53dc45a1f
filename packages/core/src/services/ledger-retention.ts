import type { Logger } from './logger.js';

/** How often a ledger deletes the rows past its retention. */
const retentionIntervalMs = 3_600_000;

/** A running retention schedule; `stop` ends it once the run in progress (if any) has ended. */
export interface LedgerRetention {
  stop(): Promise<void>;
}

/**
 * Deletes a ledger's rows older than `retentionDays` now and every hour through `prune` (which deletes
 * the rows of requests that arrived before the epoch-ms time it is given and resolves with how many),
 * one run at a time, logging what each run deleted or why it failed. The timer never keeps the process
 * alive.
 */
export function scheduleLedgerRetention(prune: (before: number) => Promise<number>, retentionDays: number, logger: Logger): LedgerRetention {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running !== undefined || stopped) return;
    const before = Date.now() - retentionDays * 86_400_000;
    running = prune(before)
      .then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted, before: new Date(before).toISOString() }, 'ledger rows past their retention deleted');
        },
        (error: unknown) => logger.error({ err: error }, 'ledger retention: old rows could not be deleted; retried within the hour'),
      )
      .finally(() => (running = undefined));
  };
  run();
  const timer = setInterval(run, retentionIntervalMs).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
