import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.js';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('Deadlines', () => {
  it('calls each callback once its delay has passed, in the order added, and never a cancelled one', async () => {
    const queue = Deadlines.after(40);
    const expired: string[] = [];
    const startedAt = performance.now();
    const first = queue.add(() => expired.push(`first ${Math.round(performance.now() - startedAt)}`));
    const cancelled = queue.add(() => expired.push('cancelled'));
    await sleep(15);
    queue.add(() => expired.push(`third ${Math.round(performance.now() - startedAt)}`));
    cancelled.cancel();
    cancelled.cancel(); // harmless twice
    await sleep(30);
    expect(expired.map((entry) => entry.split(' ')[0])).toEqual(['first']);
    for (let waited = 0; expired.length < 2 && waited < 1_000; waited += 5) await sleep(5);
    expect(expired.map((entry) => entry.split(' ')[0])).toEqual(['first', 'third']);
    // Never early: each one at least its delay after it was added.
    expect(Number(expired[0]!.split(' ')[1])).toBeGreaterThanOrEqual(39);
    expect(Number(expired[1]!.split(' ')[1])).toBeGreaterThanOrEqual(15 + 39);
    first.cancel(); // harmless once expired
  });

  it('never keeps a process alive: its one timer is unref\'d, and cancelling in any order unlinks', async () => {
    const before = timers();
    const queue = Deadlines.after(30);
    const expired: number[] = [];
    const deadlines = Array.from({ length: 100 }, (_, index) => queue.add(() => expired.push(index)));
    expect(timers()).toBe(before);
    // Out of order, the oldest last; all but the 50th.
    for (const deadline of [...deadlines.slice(1).reverse(), deadlines[0]!]) if (deadline !== deadlines[50]) deadline.cancel();
    for (let waited = 0; expired.length < 1 && waited < 1_000; waited += 5) await sleep(5);
    await sleep(40);
    expect(expired).toEqual([50]);
  });

  it('keeps expiring the rest when a callback adds a deadline of its own', async () => {
    const queue = Deadlines.after(10);
    const expired: number[] = [];
    queue.add(() => {
      expired.push(1);
      queue.add(() => expired.push(3));
    });
    queue.add(() => expired.push(2));
    for (let waited = 0; expired.length < 3 && waited < 1_000; waited += 5) await sleep(5);
    expect(expired).toEqual([1, 2, 3]);
  });
});
