import type { EventLoopUtilization } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reduceMemoryOnlyWhenIdle } from '../src/cli/reduce-memory-only-when-idle.js';

afterEach(() => {
  vi.useRealTimers();
});

/** An event loop whose busy share the test sets, read as `performance.eventLoopUtilization` reads it. */
function fakeEventLoop() {
  let active = 0;
  let idle = 0;
  return {
    run(share: number, milliseconds: number): void {
      active += share * milliseconds;
      idle += (1 - share) * milliseconds;
    },
    utilization(current?: EventLoopUtilization, previous?: EventLoopUtilization): EventLoopUtilization {
      if (current === undefined || previous === undefined) return { active, idle, utilization: 0 };
      const activeDelta = current.active - previous.active;
      const idleDelta = current.idle - previous.idle;
      return { active: activeDelta, idle: idleDelta, utilization: activeDelta / (activeDelta + idleDelta) };
    },
  };
}

describe('reduceMemoryOnlyWhenIdle', () => {
  it("makes the memory reducer's collections ordinary ones while the event loop is busy, and memory-reducing ones once it is idle", () => {
    vi.useFakeTimers();
    const loop = fakeEventLoop();
    const flags: string[] = [];
    const stop = reduceMemoryOnlyWhenIdle({ setFlags: (flag) => flags.push(flag), eventLoopUtilization: (current, previous) => loop.utilization(current, previous) });
    const interval = (share: number) => {
      loop.run(share, 5_000);
      vi.advanceTimersByTime(5_000);
    };

    interval(0.001); // idle from the start: V8's default stays
    expect(flags).toEqual([]);
    interval(0.3); // under load
    expect(flags).toEqual(['--no-memory-reducer-favors-memory']);
    interval(0.2);
    interval(0.02);
    expect(flags).toHaveLength(1); // still under load: set once
    interval(0.002); // quiet again
    expect(flags).toEqual(['--no-memory-reducer-favors-memory', '--memory-reducer-favors-memory']);
    stop();
    interval(0.5);
    expect(flags).toHaveLength(2);
  });
});
