import { resolve } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript script
import { abTable, pairedRatio, parseSpec } from '../scripts/bench-ab.mjs';

/** A harness run's throughput samples, one per round for each target. */
function run(rpsByTarget: Record<string, number[]>) {
  return { rounds: { throughput: Object.fromEntries(Object.entries(rpsByTarget).map(([target, values]) => [target, values.map((rps) => ({ rps }))])) } };
}

it('divides each copy of a variant by the same copy of the reference, round by round, and pools both copies', () => {
  // The machine's speed moves round by round (1000, 2000, 500); b is 10 % faster than a in every one.
  const results = run({
    baseline: [1000, 2000, 500],
    a: [800, 1600, 400],
    b: [880, 1760, 440],
    'b-2': [880, 1760, 440],
    'a-2': [800, 1600, 400],
  });
  const paired = pairedRatio(results, 'throughput', 'a', 'b');
  expect(paired.count).toBe(6);
  expect(paired.median).toBeCloseTo(1.1, 10);
  // Every ratio is 1.1, so nothing is uncertain.
  expect(paired.low).toBeCloseTo(1.1, 10);
  expect(paired.high).toBeCloseTo(1.1, 10);
});

it('pairs copies by name, not across them', () => {
  // Pairing b with a-2 (or b-2 with a) would give 2 or 0.5; only like copies give 1.
  const results = run({ baseline: [1000, 1000], a: [500, 500], b: [500, 500], 'b-2': [1000, 1000], 'a-2': [1000, 1000] });
  expect(pairedRatio(results, 'throughput', 'a', 'b')).toMatchObject({ median: 1, low: 1, high: 1, count: 4 });
});

it('prints the reference against its own second copy, then each variant against the reference and the proxy', () => {
  const results = run({
    baseline: [1000, 1000, 1000, 1000],
    a: [800, 820, 780, 800],
    b: [900, 700, 880, 860],
    'b-2': [860, 870, 900, 640],
    'a-2': [790, 800, 810, 800],
  });
  const table: string = abTable(results, 'throughput', ['a', 'b']);
  const cells = (name: string) => table.split('\n').find((line) => line.startsWith(`| ${name} `))?.split('|').slice(2, -1).map((cell) => cell.trim());
  const [identical, , identicalCount, identicalProxy] = cells('a-2')!;
  expect(Number(identical!.replace('×', ''))).toBeCloseTo(1, 1);
  expect(identicalCount).toBe('4');
  expect(identicalProxy).toBe('0.800×');
  const [ratio, interval, count, proxy] = cells('b')!;
  // b over a, round by round: 1.125, 0.854, 1.128, 1.075 and 1.089, 1.088, 1.111, 0.8 → median 1.088.
  expect(ratio).toBe('1.088×');
  expect(count).toBe('8');
  expect(proxy).toBe('0.865×');
  const [low, high] = interval!.split(' – ').map(Number);
  expect(low).toBeLessThan(1.088);
  expect(high).toBeGreaterThan(1.088);
});

it('says nothing when a variant did not run', () => {
  expect(pairedRatio(run({ baseline: [1000], a: [800] }), 'throughput', 'a', 'b')).toBeUndefined();
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
