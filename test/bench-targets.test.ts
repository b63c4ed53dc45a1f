import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript script
import { bootstrapInterval, targetsTable } from '../scripts/bench-targets.mjs';

const folder = await mkdtemp(join(tmpdir(), 'tollgate-bench-targets-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A harness results file: each scenario's samples per target, one per round. */
async function resultsFile(name: string, rounds: Record<string, Record<string, object[]>>): Promise<string> {
  const file = join(folder, `${name}.json`);
  await writeFile(file, JSON.stringify({ rounds }));
  return file;
}

function row(table: string, target: string): string[] {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${target}`));
  return line === undefined ? [] : line.split('|').slice(2, -1).map((cell) => cell.trim());
}

it('judges each target on the median of per-round figures, pooled over every run given', async () => {
  // Round by round the proxy's throughput moves; Tollgate's ratio to it is 0.9, 0.8, 0.5, 0.9, 0.9.
  const first = await resultsFile('first', {
    throughput: {
      baseline: [{ rps: 1000, peakRssMb: 100 }, { rps: 2000, peakRssMb: 110 }],
      tollgate: [{ rps: 900, peakRssMb: 120 }, { rps: 1600, peakRssMb: 130 }],
      portkey: [{ rps: 100 }, { rps: 400 }],
    },
    'fixed-rate': {
      direct: [{ p50: 1, p99: 2 }, { p50: 1, p99: 2 }],
      baseline: [{ p50: 1.2, p99: 4 }, { p50: 1.2, p99: 4 }],
      tollgate: [{ p50: 1.5, p99: 5 }, { p50: 1.3, p99: 9 }],
    },
    stream: { baseline: [{ ttfbP50: 3 }, { ttfbP50: 3 }], tollgate: [{ ttfbP50: 3.2 }, { ttfbP50: 4 }] },
  });
  const second = await resultsFile('second', {
    throughput: { baseline: [{ rps: 1000 }, { rps: 1000 }, { rps: 1000 }], tollgate: [{ rps: 500 }, { rps: 900 }, { rps: 900 }] },
  });
  const table = targetsTable([first, second]);
  expect(table).toContain('Pooled over 5 rounds of 2 runs: first, second');
  // Cells: measured, 95 % interval, rounds, holds. The intervals are checked in the tests below.
  const cells = (target: string) => row(table, target).filter((_, index) => index !== 1);
  expect(cells('throughput ≥ 85 %')).toEqual(['90.0 %', '5', 'yes (not settled)']);
  expect(cells('throughput ≥ 5× Portkey')).toEqual(['6.50×', '2', 'yes (not settled)']);
  expect(cells('1,000 req/s: added p50')).toEqual(['+0.20 ms', '2', 'yes (not settled)']);
  expect(cells('1,000 req/s: added p99')).toEqual(['2.50×', '2', '**no** (not settled)']);
  expect(cells('stream: added TTFB')).toEqual(['+0.60 ms', '2', '**no** (not settled)']);
  expect(row(table, 'governance on')).toEqual(['–', '–', '0', 'not measured']);
  expect(row(table, 'peak RSS')).toEqual(['1.18×', '–', '–', 'yes']);
});

it('gives each figure a 95 % interval, and says when the line lies inside it', async () => {
  // Every round 0.8 of the proxy: nothing uncertain, the interval is the figure itself.
  const steady = await resultsFile('steady', { throughput: { baseline: Array(6).fill({ rps: 1000 }), tollgate: Array(6).fill({ rps: 800 }) } });
  expect(row(targetsTable([steady]), 'throughput ≥ 85 %')).toEqual(['80.0 %', '80.0 % – 80.0 %', '6', '**no**']);
  // Rounds from 0.70 to 1.00: the median 0.85 on the line, the interval around it.
  const noisy = await resultsFile('noisy', { throughput: { baseline: Array(7).fill({ rps: 1000 }), tollgate: [700, 750, 800, 850, 900, 950, 1000].map((rps) => ({ rps })) } });
  const [measured, interval, rounds, holds] = row(targetsTable([noisy]), 'throughput ≥ 85 %');
  expect([measured, rounds, holds]).toEqual(['85.0 %', '7', 'yes (not settled)']);
  const [low, high] = interval!.split(' – ').map((cell) => Number.parseFloat(cell));
  expect(low).toBeGreaterThanOrEqual(70);
  expect(low).toBeLessThan(85);
  expect(high).toBeGreaterThan(85);
  expect(high).toBeLessThanOrEqual(100);
});

it('draws runs before rounds: one run far from the others widens the interval more than its rounds alone would', () => {
  const runs = [
    [0.9, 0.91, 0.92, 0.9],
    [0.89, 0.9, 0.91, 0.9],
    [0.6, 0.61, 0.6, 0.62],
  ];
  const [low, high] = bootstrapInterval(runs) as [number, number];
  const [pooledLow, pooledHigh] = bootstrapInterval([runs.flat()]) as [number, number];
  expect(low).toBeLessThanOrEqual(pooledLow);
  expect(high - low).toBeGreaterThan(pooledHigh - pooledLow);
  // The same values give the same interval (a seeded draw), so a table can be checked again.
  expect(bootstrapInterval(runs)).toEqual([low, high]);
});
