import { resolve } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript script
import { abTable, pairedRatios, parseSpec, pooled } from '../scripts/bench-ab.mjs';

/** A harness run's throughput samples, one per round for each target. */
function run(rpsByTarget: Record<string, number[]>) {
  return { rounds: { throughput: Object.fromEntries(Object.entries(rpsByTarget).map(([target, values]) => [target, values.map((rps) => ({ rps }))])) } };
}

/** A row of a markdown table, as its cells after the first. */
function cells(table: string, name: string): string[] {
  return table.split('\n').find((line) => line.startsWith(`| ${name} `))!.split('|').slice(2, -1).map((cell) => cell.trim());
}

it('divides each copy of a variant by the same copy of the reference, round by round', () => {
  // The machine's speed moves round by round (1000, 2000, 500); b is 10 % faster than a in every one.
  const results = run({ baseline: [1000, 2000, 500], a: [800, 1600, 400], b: [880, 1760, 440], 'b-2': [880, 1760, 440], 'a-2': [800, 1600, 400] });
  const ratios: number[] = pairedRatios(results, 'throughput', 'a', 'b');
  expect(ratios).toHaveLength(6);
  for (const ratio of ratios) expect(ratio).toBeCloseTo(1.1, 10);
  // Every ratio the same: nothing uncertain.
  const summary = pooled([ratios]);
  expect(summary.median).toBeCloseTo(1.1, 10);
  expect(summary.low).toBeCloseTo(1.1, 10);
  expect(summary.high).toBeCloseTo(1.1, 10);
});

it('pairs copies by name, not across them', () => {
  // Pairing b with a-2 (or b-2 with a) would give 2 or 0.5; only like copies give 1.
  const results = run({ baseline: [1000, 1000], a: [500, 500], b: [500, 500], 'b-2': [1000, 1000], 'a-2': [1000, 1000] });
  expect(pairedRatios(results, 'throughput', 'a', 'b')).toEqual([1, 1, 1, 1]);
});

it('prints the reference against its own second copy, then each variant against the reference and the proxy', () => {
  const results = run({
    baseline: [1000, 1000, 1000, 1000],
    a: [800, 820, 780, 800],
    b: [900, 700, 880, 860],
    'b-2': [860, 870, 900, 640],
    'a-2': [790, 800, 810, 800],
  });
  const table: string = abTable([results], 'throughput', ['a', 'b']);
  const [identical, , identicalCount, identicalProxy] = cells(table, 'a-2');
  expect(Number(identical!.replace('×', ''))).toBeCloseTo(1, 1);
  expect(identicalCount).toBe('4');
  expect(identicalProxy).toBe('0.800×');
  const [ratio, interval, count, proxy] = cells(table, 'b');
  // b over a, round by round: 1.125, 0.854, 1.128, 1.075 and 1.089, 1.088, 1.111, 0.8 → median 1.088.
  expect(ratio).toBe('1.088×');
  expect(count).toBe('8');
  expect(proxy).toBe('0.865×');
  const [low, high] = interval!.split(' – ').map(Number);
  expect(low).toBeLessThan(1.088);
  expect(high).toBeGreaterThan(1.088);
});

it('pools runs with runs drawn first, so a run that disagrees widens the interval beyond its rounds', () => {
  // Two runs: b 10 % faster in every round of the first, 3 % slower in every round of the second.
  const faster = Array.from({ length: 8 }, () => 1.1);
  const slower = Array.from({ length: 8 }, () => 0.97);
  const summary = pooled([faster, slower]);
  expect(summary.count).toBe(16);
  expect(summary.runs).toBe(2);
  // Either run alone would be settled (an interval of one point); together they are not.
  expect(summary.low).toBeCloseTo(0.97, 10);
  expect(summary.high).toBeCloseTo(1.1, 10);
  const table: string = abTable(
    [run({ baseline: [1000, 1000], a: [800, 800], b: [880, 880] }), run({ baseline: [1000, 1000], a: [800, 800], b: [776, 776] })],
    'throughput',
    ['a', 'b'],
  );
  expect(cells(table, 'b')).toEqual(['1.035×', '0.970 – 1.100', '4', '0.828×']);
});

it('says nothing when a variant did not run', () => {
  expect(pooled([pairedRatios(run({ baseline: [1000], a: [800] }), 'throughput', 'a', 'b')])).toBeUndefined();
  expect(cells(abTable([run({ baseline: [1000], a: [800] })], 'throughput', ['a', 'b']), 'b')).toEqual(['–', '–', '0', '–']);
});

it('reads a variant as its name, checkout, config, environment variables and Node flags', () => {
  expect(parseSpec('b=bench/tollgate.bench-no-ledger.yaml')).toMatchObject({ name: 'b', config: 'bench/tollgate.bench-no-ledger.yaml', env: '', flags: '' });
  const flagged = parseSpec('gc=bench/tollgate.bench.yaml@--max-semi-space-size=32 UV_THREADPOOL_SIZE=8 --single-threaded-gc');
  expect(flagged).toMatchObject({ name: 'gc', config: 'bench/tollgate.bench.yaml', env: 'UV_THREADPOOL_SIZE=8', flags: '--max-semi-space-size=32 --single-threaded-gc' });
  const other = parseSpec('old=/tmp/tollgate-old:bench/tollgate.bench.yaml');
  expect(other).toMatchObject({ name: 'old', folder: '/tmp/tollgate-old', config: 'bench/tollgate.bench.yaml' });
  expect(parseSpec('a=bench/tollgate.bench.yaml').folder).toBe(resolve(import.meta.dirname, '..'));
  expect(() => parseSpec('bench/tollgate.bench.yaml')).toThrow('is not name=config');
});
