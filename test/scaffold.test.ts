import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFile = promisify(execFileCallback);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/server/dist/cli.js');
let folder: string;
let tarballs: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-scaffold-'));
  tarballs = join(folder, 'tarballs');
  await execFile('pnpm', ['-r', '--filter', './packages/**', 'pack', '--pack-destination', tarballs], { cwd: root });
}, 60_000);
afterAll(() => rm(folder, { recursive: true, force: true }));

/** Points every @tollgate dependency of a scaffolded package at the local tarballs, as if published. */
async function useLocalPackages(packageFolder: string): Promise<void> {
  const files = await readdir(tarballs);
  const local = (name: string) => `file:${join(tarballs, files.find((file) => file.startsWith(`tollgate-${name}-0`))!)}`;
  const manifest = JSON.parse(await readFile(join(packageFolder, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    for (const name of Object.keys(manifest[field] ?? {})) if (name.startsWith('@tollgate/')) manifest[field]![name] = local(name.slice('@tollgate/'.length));
  }
  manifest.overrides = Object.fromEntries(files.map((file) => file.replace(/^tollgate-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')).map((name) => [`@tollgate/${name}`, local(name)]));
  await writeFile(join(packageFolder, 'package.json'), JSON.stringify(manifest, null, 2));
}

describe('tollgate plugin new', () => {
  for (const kind of ['provider', 'guardrail', 'ledger', 'cache']) {
    it(`scaffolds a ${kind} plugin that installs, builds and passes its own tests`, async () => {
      const created = await execFile(process.execPath, [cli, 'plugin', 'new', `tollgate-${kind}-acme`, '--kind', kind, '--dir', folder]);
      expect(created.stdout).toContain(`Created tollgate-${kind}-acme (${kind})`);
      const packageFolder = join(folder, `tollgate-${kind}-acme`);
      for (const file of ['README.md', 'package.json', 'tsconfig.json', '.changeset/config.json', 'src/index.ts']) {
        await expect(readFile(join(packageFolder, file), 'utf8')).resolves.toBeTruthy();
      }
      await useLocalPackages(packageFolder);
      await execFile('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: packageFolder, timeout: 150_000 });
      await execFile('npm', ['run', 'build'], { cwd: packageFolder });
      // Its tests leave no temporary folders behind (the ledger's writes a file in one).
      const leftovers = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('acme-'));
      const before = await leftovers();
      const test = await execFile('npm', ['test'], { cwd: packageFolder });
      const output = test.stdout.replace(/\x1b\[[0-9;]*m/g, '');
      expect(output).toMatch(/Tests\s+\d+ passed \(\d+\)/);
      expect(output).not.toMatch(/failed/);
      expect(await leftovers()).toEqual(before);
      const built = await readdir(join(packageFolder, 'dist'));
      expect(built).toContain('index.d.ts');
    }, 180_000);
  }

  it('refuses a bad name, an unknown kind and an existing folder', async () => {
    const run = (args: string[]) => execFile(process.execPath, [cli, 'plugin', 'new', ...args, '--dir', folder]).then(() => 0, (error: { code: number }) => error.code);
    expect(await run(['Bad Name'])).toBe(1);
    expect(await run(['tollgate-router-acme', '--kind', 'router'])).toBe(1);
    expect(await run(['tollgate-provider-acme', '--kind', 'provider'])).toBe(1);
  });
});
