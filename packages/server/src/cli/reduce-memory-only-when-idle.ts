import { setFlagsFromString } from 'node:v8';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Options of {@link reduceMemoryOnlyWhenIdle}; the defaults are what `tollgate start` uses. */
export interface ReduceMemoryOnlyWhenIdleOptions {
  /** How often the event loop's utilization is read (default 5 s). */
  readonly intervalMs?: number;
  /** Share of the interval the event loop was busy from which the gateway counts as under load (default 1 %). */
  readonly busyUtilization?: number;
  /** Sets a V8 flag (tests watch it). */
  readonly setFlags?: (flags: string) => void;
  /** The event loop's utilization, as `performance.eventLoopUtilization` (tests feed it). */
  readonly eventLoopUtilization?: (current?: EventLoopUtilization, previous?: EventLoopUtilization) => EventLoopUtilization;
}

/**
 * Lets V8's memory reducer shrink the heap only while the gateway is idle. The reducer runs a
 * memory-reducing full collection when the process looks idle, and, as a watchdog, whenever no full
 * collection has run for 100 s, busy or not. Under steady load that one shrank the young generation:
 * a 58–82 ms pause, and the RSS ~90 MB lower for ~6 s while it grew back (the one low sample of every
 * 10-minute soak, docs/performance.md). While the event loop is busy this makes the reducer's
 * collections ordinary ones (`--no-memory-reducer-favors-memory`, read by V8 at each collection it
 * starts: 7.6–8.3 ms, the young generation kept, the old generation's garbage still collected); once
 * idle, memory-reducing ones again, so a gateway that goes quiet still gives its memory back.
 * Returns a function that stops it; the timer does not keep the process alive.
 */
export function reduceMemoryOnlyWhenIdle(options: ReduceMemoryOnlyWhenIdleOptions = {}): () => void {
  const busyUtilization = options.busyUtilization ?? 0.01;
  const setFlags = options.setFlags ?? setFlagsFromString;
  const utilization = options.eventLoopUtilization ?? performance.eventLoopUtilization;
  let previous = utilization();
  let favorsMemory = true;
  const timer = setInterval(() => {
    const current = utilization();
    const busy = utilization(current, previous).utilization >= busyUtilization;
    previous = current;
    if (busy !== favorsMemory) return;
    favorsMemory = !busy;
    setFlags(favorsMemory ? '--memory-reducer-favors-memory' : '--no-memory-reducer-favors-memory');
  }, options.intervalMs ?? 5_000);
  timer.unref();
  return () => clearInterval(timer);
}
