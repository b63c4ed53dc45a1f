import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapAtMost } from './map-at-most.js';

describe('mapAtMost', () => {
  it('runs at most `limit` calls at a time and keeps the items’ order, whatever order they finish in', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapAtMost(Array.from({ length: 20 }, (_, index) => index), 8, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(item % 3 === 0 ? 15 : 2);
      inFlight -= 1;
      return item * 10;
    });
    expect(most).toBe(8);
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 10));
  });

  it('rejects with the first failure', async () => {
    await expect(mapAtMost([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('upstream refused item 2');
      return item;
    })).rejects.toThrow('upstream refused item 2');
  });
});
