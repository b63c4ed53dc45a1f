// The shared bench harness (../shared/bench, or $BENCH_HARNESS) copied to .bench/harness (gitignored;
// the harness folder may be read-only) with its pinned dependencies installed once, and Tollgate built.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Prepares the harness for `root`; returns its folder. Exits when there is no harness to copy. */
export function prepareHarness(root) {
  const source = resolve(process.env.BENCH_HARNESS ?? join(root, '..', 'shared', 'bench'));
  const harness = join(root, '.bench', 'harness');
  if (!existsSync(join(source, 'bench.mjs'))) {
    console.error(`bench: no harness at ${source}; set BENCH_HARNESS to the shared bench folder.`);
    process.exit(1);
  }
  if (!existsSync(join(harness, 'node_modules'))) {
    mkdirSync(harness, { recursive: true });
    cpSync(source, harness, { recursive: true, filter: (path) => !path.includes('node_modules') && !path.includes(`${source}/results`) });
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: harness, stdio: 'inherit' });
  } else {
    for (const file of ['bench.mjs', 'mock-upstream.mjs', 'baseline-proxy.mjs']) copyFileSync(join(source, file), join(harness, file));
  }
  if (!existsSync(join(root, 'packages/server/dist/cli.js'))) execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  return harness;
}
