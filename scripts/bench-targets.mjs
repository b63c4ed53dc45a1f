// `pnpm bench:targets -- bench/results/<file>.json …`: judges the performance targets (issue 10) over
// one or more `pnpm bench` results, pooled round by round. Each round of a run measured every target
// within seconds, so each target's figure is taken against the bare proxy's of the same round (a ratio,
// or a difference of milliseconds), and the median is taken over every round of every file given: the
// figure a noisy shared machine moves least. Without files, the newest results in bench/results/.
// Peak RSS is the exception: the highest of each target in each file, against the proxy's. Each figure
// comes with a 95 % interval from a two-level bootstrap (runs drawn with replacement, then rounds within
// each drawn run, the median taken each time): how far the noise of this machine leaves the figure
// uncertain. A line inside the interval is "not settled" by these runs, whichever side the median is on.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../packages/core/src/test-support/seeded-random.ts';
import { median } from './bench-round-ratios.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each target: how one round measures it (undefined when the run lacks what it needs), its line, and how it is printed. */
const targets = [
  { name: 'throughput ≥ 85 % of the bare proxy', limit: 0.85, atLeast: true, format: percent, measure: (round) => ratio(round.throughput?.tollgate, round.throughput?.baseline) },
  { name: 'throughput ≥ 5× Portkey', limit: 5, atLeast: true, format: times, measure: (round) => ratio(round.throughput?.tollgate, round.throughput?.portkey) },
  { name: '1,000 req/s: added p50 ≤ the proxy\'s + 0.25 ms', limit: 0.25, atLeast: false, format: signedMs, measure: (round) => difference(round['fixed-rate']?.tollgate?.p50, round['fixed-rate']?.baseline?.p50) },
  {
    name: '1,000 req/s: added p99 ≤ 2× the proxy\'s',
    limit: 2,
    atLeast: false,
    format: times,
    measure: (round) => {
      const rate = round['fixed-rate'];
      if (rate?.direct === undefined || rate.tollgate === undefined || rate.baseline === undefined) return undefined;
      return (rate.tollgate.p99 - rate.direct.p99) / (rate.baseline.p99 - rate.direct.p99);
    },
  },
  { name: 'stream: added TTFB p50 ≤ the proxy\'s + 0.5 ms', limit: 0.5, atLeast: false, format: signedMs, measure: (round) => difference(round.stream?.tollgate?.ttfbP50, round.stream?.baseline?.ttfbP50) },
  { name: 'slow upstream ≥ 90 % of the bare proxy', limit: 0.9, atLeast: true, format: percent, measure: (round) => ratio(round['slow-upstream']?.tollgate, round['slow-upstream']?.baseline) },
  { name: 'governance on: throughput ≥ 70 % of the bare proxy', limit: 0.7, atLeast: true, format: percent, measure: (round) => ratio(round.throughput?.['tollgate-governed'], round.throughput?.baseline) },
];

function ratio(sample, reference) {
  return sample === undefined || reference === undefined ? undefined : sample.rps / reference.rps;
}

function difference(value, reference) {
  return value === undefined || reference === undefined ? undefined : value - reference;
}

function percent(value) {
  return `${(value * 100).toFixed(1)} %`;
}

function times(value) {
  return `${value.toFixed(2)}×`;
}

function signedMs(value) {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
}

/** Draws of the bootstrap: enough for the 2.5th and 97.5th percentiles to settle to the shown digits. */
const bootstrapDraws = 2000;

/**
 * The 95 % interval of the median of values grouped by run: each draw picks as many runs as there are,
 * with replacement, and from each picked run as many of its values, with replacement. Rounds of one run
 * share the machine's state of those minutes, so runs are drawn first, not rounds alone.
 */
export function bootstrapInterval(valuesByRun) {
  const runs = valuesByRun.filter((values) => values.length > 0);
  // Seeded, so the same files give the same interval.
  const random = seededRandom(0x7011);
  const pick = (array) => array[Math.floor(random() * array.length)];
  const medians = [];
  for (let draw = 0; draw < bootstrapDraws; draw += 1) {
    const sample = [];
    for (let run = 0; run < runs.length; run += 1) {
      const values = pick(runs);
      for (let index = 0; index < values.length; index += 1) sample.push(pick(values));
    }
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(bootstrapDraws * 0.025)], medians[Math.ceil(bootstrapDraws * 0.975) - 1]];
}

/** The rounds of a results JSON, each as `{ scenario: { target: sample } }`. */
function roundsOf(results) {
  const rounds = [];
  for (const [scenario, byTarget] of Object.entries(results.rounds ?? {})) {
    for (const [target, samples] of Object.entries(byTarget)) {
      samples.forEach((sample, index) => {
        rounds[index] ??= {};
        rounds[index][scenario] ??= {};
        rounds[index][scenario][target] = sample;
      });
    }
  }
  return rounds;
}

/** The highest peak RSS a target reached in a run, over every scenario and round. */
function peakRss(results, target) {
  let peak;
  for (const byTarget of Object.values(results.rounds ?? {})) {
    for (const sample of byTarget[target] ?? []) if (sample.peakRssMb !== undefined) peak = Math.max(peak ?? 0, sample.peakRssMb);
  }
  return peak;
}

/** The markdown table of the targets over the given results files. */
export function targetsTable(files) {
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const roundsByRun = runs.map(roundsOf);
  const rounds = roundsByRun.flat();
  const lines = [`Pooled over ${rounds.length} round${rounds.length === 1 ? '' : 's'} of ${runs.length} run${runs.length === 1 ? '' : 's'}: ${files.map((file) => basename(file, '.json')).join(', ')}`, '', '| target | measured | 95 % interval | rounds | holds |', '|---|--:|--:|--:|---|'];
  const measured = (value) => value !== undefined && Number.isFinite(value);
  for (const target of targets) {
    const valuesByRun = roundsByRun.map((runRounds) => runRounds.map(target.measure).filter(measured));
    const values = valuesByRun.flat();
    if (values.length === 0) {
      lines.push(`| ${target.name} | – | – | 0 | not measured |`);
      continue;
    }
    const value = median(values);
    const [low, high] = bootstrapInterval(valuesByRun);
    const holds = target.atLeast ? value >= target.limit : value <= target.limit;
    const settled = target.limit < low || target.limit > high;
    lines.push(`| ${target.name} | ${target.format(value)} | ${target.format(low)} – ${target.format(high)} | ${values.length} | ${holds ? 'yes' : '**no**'}${settled ? '' : ' (not settled)'} |`);
  }
  const rssRatios = runs.map((results) => {
    const tollgate = peakRss(results, 'tollgate');
    const baseline = peakRss(results, 'baseline');
    return tollgate === undefined || baseline === undefined ? undefined : tollgate / baseline;
  }).filter((value) => value !== undefined);
  if (rssRatios.length > 0) {
    const worst = Math.max(...rssRatios);
    lines.push(`| peak RSS ≤ 1.5× the proxy's (the worst run) | ${worst.toFixed(2)}× | – | – | ${worst <= 1.5 ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let files = process.argv.slice(2).filter((arg) => arg !== '--');
  if (files.length === 0) {
    const folder = join(root, 'bench', 'results');
    const newest = readdirSync(folder).filter((name) => /^\d.*\.json$/.test(name)).sort().at(-1);
    if (newest === undefined) {
      console.error('bench:targets: no results in bench/results; run `pnpm bench` first, or name the files.');
      process.exit(1);
    }
    files = [join(folder, newest)];
  }
  console.log(targetsTable(files));
}
