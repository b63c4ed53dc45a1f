// `pnpm bench`: measures Tollgate side by side with the mock alone, a bare undici proxy (the floor) and
// the Portkey gateway (the Node peer), using the shared harness (../shared/bench, or $BENCH_HARNESS).
// The harness folder may be read-only, so it is copied to .bench/harness (gitignored) and its pinned
// dependencies installed there once. Arguments after `--` go to the harness (`--quick`, `--scenario`).
// `--group` adds a second Tollgate whose model is a two-target fallback group; `--governed` one with
// budgets and rate limits on (the SQLite store and ledger, limits in memory); `--governed-pg` one with
// them on PostgreSQL and Redis (both must be running); `--cached` one answering from its memory cache;
// `--node-flags="--max-semi-space-size=8"` one on the production path started with those Node flags;
// `--workers=2` one on the production path started with `tollgate start --workers 2` (cluster mode).
// After the side-by-side run it prints the ratios round by round (scripts/bench-round-ratios.mjs), the
// targets of issue 10 judged on the run (scripts/bench-targets.mjs), and
// scripts/bench-guardrails.mjs times the PII guardrail on 4 KB and 64 KB.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, copyFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roundRatiosTable } from './bench-round-ratios.mjs';
import { targetsTable } from './bench-targets.mjs';
import { prepareHarness } from './prepare-harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const withGroup = args.includes('--group');
const withGovernance = args.includes('--governed');
const withSharedGovernance = args.includes('--governed-pg');
const withCache = args.includes('--cached');
const nodeFlags = args.find((arg) => arg.startsWith('--node-flags='))?.slice('--node-flags='.length);
const workers = args.find((arg) => arg.startsWith('--workers='))?.slice('--workers='.length);
const passThrough = args.filter((arg) => !['--group', '--governed', '--governed-pg', '--cached'].includes(arg) && !arg.startsWith('--node-flags=') && !arg.startsWith('--workers='));

const harness = prepareHarness(root);

const header = 'authorization: Bearer sk-bench-master-key-000001';
/** A Tollgate for the harness; `flags` go to Node, `startArgs` to `tollgate start`. */
const target = (name, port, config, { flags = '', startArgs = '' } = {}) => [
  '--target', `${name}=http://127.0.0.1:${port}/v1`,
  // With flags or workers, a ledger file of its own: two gateways appending to one file would wait on each other.
  '--target-cmd', `${name}=${flags || startArgs ? `TOLLGATE_BENCH_DB=.bench/bench-${name}.sqlite ` : ''}node ${flags ? `${flags} ` : ''}packages/server/dist/cli.js start --config ${config} --port ${port}${startArgs ? ` ${startArgs}` : ''}`,
  '--target-header', `${name}:${header}`,
];
const targets = [...target('tollgate', 4000, 'bench/tollgate.bench.yaml'), ...(withGroup ? target('tollgate-group', 4001, 'bench/tollgate.bench-group.yaml') : []), ...(withGovernance ? target('tollgate-governed', 4002, 'bench/tollgate.bench-governed.yaml') : []), ...(withSharedGovernance ? target('tollgate-governed-pg', 4003, 'bench/tollgate.bench-governed-pg.yaml') : []), ...(withCache ? target('tollgate-cached', 4004, 'bench/tollgate.bench-cached.yaml') : []), ...(nodeFlags ? target('tollgate-flags', 4005, 'bench/tollgate.bench.yaml', { flags: nodeFlags }) : []), ...(workers ? target(`tollgate-${workers}-workers`, 4006, 'bench/tollgate.bench.yaml', { startArgs: `--workers ${workers}` }) : [])];
const result = spawnSync(process.execPath, [join(harness, 'bench.mjs'), ...targets, ...passThrough], { cwd: root, stdio: 'inherit' });

// Keep the run's JSON next to the configs that produced it.
const results = join(harness, 'results');
if (existsSync(results)) {
  const newest = readdirSync(results).map((name) => ({ name, time: statSync(join(results, name)).mtimeMs })).sort((a, b) => b.time - a.time)[0];
  if (newest !== undefined) {
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    copyFileSync(join(results, newest.name), join(root, 'bench', 'results', newest.name));
    console.error(`bench: results copied to bench/results/${newest.name}`);
    console.log(`\n### Ratios round by round\n\n${roundRatiosTable(JSON.parse(readFileSync(join(results, newest.name), 'utf8')))}\n`);
    console.log(`### Targets, this run (pool runs with \`pnpm bench:targets -- <files>\`)\n\n${targetsTable([join(root, 'bench', 'results', newest.name)])}\n`);
  }
}
const guardrails = spawnSync(process.execPath, [join(root, 'scripts', 'bench-guardrails.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(result.status === 0 ? (guardrails.status ?? 1) : (result.status ?? 1));
