// `pnpm bench:ab -- a=bench/tollgate.bench.yaml b=bench/other.yaml [c=…] [--rounds 16] [--duration 1]`:
// what one configuration costs next to another, measured finely enough to see a few per cent on this
// shared machine, where one Tollgate's req/s moves by tens of per cent from round to round. Each variant
// runs as two Tollgates in one harness run, mirrored (a b c c-2 b-2 a-2), so a drift across a round
// weighs on every variant alike. Each round, each copy of a variant is divided by the same copy of the
// first variant (the reference), measured seconds before or after it; the ratios of every round and both
// copies are pooled: their median and a 95 % interval (rounds resampled). The reference's second copy
// against its first is printed too: two identical gateways, so its interval shows what this run can tell.
// A spec is name=config, name=config@flags for Node flags and environment variables, space-separated
// (`b=bench/tollgate.bench.yaml@--max-semi-space-size=32`, `b=bench/tollgate.bench.yaml@UV_THREADPOOL_SIZE=8`),
// or name=folder:config for another checkout's build (`b=../tollgate-change:bench/tollgate.bench.yaml`).
// `--scenario` (throughput; stream and slow-upstream work too), `--rounds` (16), `--duration` (1 s);
// Portkey is left out. The run's JSON is kept as bench/results/ab-<time>.json. Runs of the same variants pooled (runs drawn first, then rounds, as
// bench:targets does: a run's machine state moves all its rounds, and one run's interval is too narrow
// for the next run): `node scripts/bench-ab.mjs --results <file> --results <file> … a b`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bootstrapInterval } from './bench-targets.mjs';
import { median, roundRatios } from './bench-round-ratios.mjs';
import { prepareHarness } from './prepare-harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The name of a variant's second copy in the harness run. */
export const secondCopy = (name) => `${name}-2`;

/** A ratio both rounds measured: neither side missing nor at 0 req/s. */
const measured = (ratio) => Number.isFinite(ratio) && ratio > 0;

/**
 * Round by round, each copy of `variant` divided by the same copy of `reference` (`a` by `a`, `a-2` by
 * `a-2`), in one scenario of a harness results JSON: every ratio of the run.
 */
export function pairedRatios(results, scenario, reference, variant) {
  const rounds = results.rounds?.[scenario] ?? {};
  return [...roundRatios(rounds, variant, reference), ...roundRatios(rounds, secondCopy(variant), secondCopy(reference))].filter(measured);
}

/**
 * Ratios of one or more runs pooled: the median, its 95 % interval (runs drawn first, then rounds within
 * them: one run's machine state moves all its rounds together) and how many ratios; undefined for none.
 */
export function pooled(ratiosByRun) {
  const ratios = ratiosByRun.flat();
  if (ratios.length === 0) return undefined;
  const [low, high] = bootstrapInterval(ratiosByRun);
  return { median: median(ratios), low, high, count: ratios.length, runs: ratiosByRun.filter((run) => run.length > 0).length };
}

/**
 * The markdown table of every variant against the reference and against the bare proxy, over one or
 * more runs of the same variants. First the reference's second copy against its first: two identical
 * gateways, so its interval is the noise the runs leave.
 */
export function abTable(runs, scenario, names) {
  const [reference, ...variants] = names;
  const cell = (paired) => (paired === undefined ? '– | – | 0' : `${paired.median.toFixed(3)}× | ${paired.low.toFixed(3)} – ${paired.high.toFixed(3)} | ${paired.count}`);
  const scenarioRounds = (results) => results.rounds?.[scenario] ?? {};
  const againstProxy = (name) => {
    const ratios = runs.flatMap((results) => [name, secondCopy(name)].flatMap((copy) => roundRatios(scenarioRounds(results), copy, 'baseline'))).filter(measured);
    return ratios.length === 0 ? '–' : `${median(ratios).toFixed(3)}×`;
  };
  const identical = pooled(runs.map((results) => roundRatios(scenarioRounds(results), secondCopy(reference), reference).filter(measured)));
  const lines = [`| ${scenario}: variant | × ${reference}, median of paired rounds | 95 % interval | ratios | × bare proxy |`, '|---|--:|--:|--:|--:|'];
  lines.push(`| ${secondCopy(reference)} (the same as ${reference}) | ${cell(identical)} | ${againstProxy(reference)} |`);
  for (const variant of variants) lines.push(`| ${variant} | ${cell(pooled(runs.map((results) => pairedRatios(results, scenario, reference, variant))))} | ${againstProxy(variant)} |`);
  return lines.join('\n');
}

/** `name=[folder:]config[@flags]` as its parts: the folder is this checkout unless given; `NAME=value` flags are environment variables. */
export function parseSpec(spec) {
  const match = /^([a-z][\w-]*)=(?:([^:@]+):)?([^:@]+)(?:@(.+))?$/i.exec(spec);
  if (match === null) throw new Error(`bench:ab: "${spec}" is not name=config, name=config@flags or name=folder:config`);
  const words = (match[4] ?? '').split(' ').filter((word) => word !== '');
  const isVariable = (word) => /^[A-Z_][A-Z0-9_]*=/.test(word);
  return { name: match[1], folder: resolve(match[2] ?? root), config: match[3], env: words.filter(isVariable).join(' '), flags: words.filter((word) => !isVariable(word)).join(' ') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== '--'),
      options: { results: { type: 'string', multiple: true }, scenario: { type: 'string', default: 'throughput' }, rounds: { type: 'string', default: '16' }, duration: { type: 'string', default: '1' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`bench:ab: ${error.message}`);
    process.exit(1);
  }
  const { values: options, positionals } = parsed;
  if (options.results !== undefined) {
    console.log(abTable(options.results.map((file) => JSON.parse(readFileSync(file, 'utf8'))), options.scenario, positionals));
    process.exit(0);
  }
  const specs = positionals.map(parseSpec);
  if (specs.length < 2) {
    console.error('bench:ab: give two variants or more, the reference first: a=bench/tollgate.bench.yaml b=other.yaml');
    process.exit(1);
  }
  const harness = prepareHarness(root);
  const header = 'authorization: Bearer sk-bench-master-key-000001';
  const mirrored = [...specs.map((spec) => ({ ...spec, copy: spec.name })), ...specs.toReversed().map((spec) => ({ ...spec, copy: secondCopy(spec.name) }))];
  const targets = mirrored.flatMap(({ copy, folder, config, env, flags }, index) => {
    const port = 4100 + index;
    return [
      '--target', `${copy}=http://127.0.0.1:${port}/v1`,
      // A ledger file each, new each run: two gateways appending to one file would wait on each other.
      '--target-cmd', `${copy}=cd ${folder} && mkdir -p .bench && rm -f .bench/ab-${copy}.sqlite* && TOLLGATE_BENCH_DB=.bench/ab-${copy}.sqlite ${env} node ${flags} packages/server/dist/cli.js start --config ${config} --port ${port}`,
      '--target-header', `${copy}:${header}`,
    ];
  });
  const run = spawnSync(process.execPath, [join(harness, 'bench.mjs'), '--scenario', options.scenario, '--no-peer', '--rounds', options.rounds, '--duration', options.duration, ...targets], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const resultsFolder = join(harness, 'results');
  const newest = readdirSync(resultsFolder).map((name) => ({ name, time: statSync(join(resultsFolder, name)).mtimeMs })).sort((a, b) => b.time - a.time)[0];
  const kept = join(root, 'bench', 'results', `ab-${newest.name}`);
  copyFileSync(join(resultsFolder, newest.name), kept);
  const where = (folder) => (folder === root ? '' : `${folder}: `);
  const settings = ({ env, flags }) => [env, flags].filter((words) => words !== '').join(' ');
  console.log(`${specs.map((spec) => `${spec.name}: ${where(spec.folder)}${spec.config}${settings(spec) ? ` with ${settings(spec)}` : ''}`).join('; ')}\n`);
  console.log(abTable([JSON.parse(readFileSync(kept, 'utf8'))], options.scenario, specs.map((spec) => spec.name)));
  console.log(`\nJSON: bench/results/${basename(kept)}`);
}
