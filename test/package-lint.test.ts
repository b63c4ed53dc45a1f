import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every published package, as its tarball: publint (package.json fields, exports, files) and
// @arethetypeswrong/core (types resolve as the code does). Packages are ESM-only (`"type": "module"`,
// Node ≥ 22), so only the ESM resolutions count: node16 from ESM and bundler.
const execFile = promisify(execFileCallback);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const esmResolutions = new Set(['node16-esm', 'bundler']);
let folder: string;
let tarballs: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-lint-'));
  await execFile('pnpm', ['-r', '--filter', './packages/**', 'pack', '--pack-destination', folder], { cwd: root });
  tarballs = (await readdir(folder)).filter((name) => name.endsWith('.tgz'));
}, 120_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('every published package', () => {
  it('is packed', () => {
    expect(tarballs.length).toBeGreaterThanOrEqual(20);
  });

  it('would be caught with an export pointing at a file it does not ship', async () => {
    const broken = await publint({
      pkgDir: 'package',
      pack: { files: [{ name: 'package/package.json', data: JSON.stringify({ name: 'broken', version: '1.0.0', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }) }] },
      level: 'warning',
    });
    expect(broken.messages.map((message) => message.code)).toContain('FILE_DOES_NOT_EXIST');
  });

  it('passes publint and @arethetypeswrong (ESM resolutions), with no error or warning', async () => {
    const findings: string[] = [];
    for (const name of tarballs) {
      const tarball = await readFile(join(folder, name));
      const linted = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer }, level: 'warning' });
      for (const message of linted.messages) findings.push(`${name}: publint ${message.type} ${message.code} at ${message.path.join('.')}`);
      const checked = await checkPackage(createPackageFromTarballData(new Uint8Array(tarball)));
      if ('problems' in checked) {
        for (const problem of checked.problems) {
          const resolution = 'resolutionKind' in problem ? problem.resolutionKind : undefined;
          if (resolution === undefined || esmResolutions.has(resolution)) findings.push(`${name}: attw ${problem.kind}${resolution === undefined ? '' : ` (${resolution})`}`);
        }
      }
    }
    expect(findings).toEqual([]);
  }, 120_000);
});

describe('every published package\'s README', () => {
  const packages = ['packages', 'packages/plugins'].flatMap((folder) =>
    readdirSync(join(root, folder))
      .map((name) => join(root, folder, name))
      .filter((path) => existsSync(join(path, 'package.json')) && !(JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { private?: boolean }).private),
  );
  for (const path of packages) {
    const { name } = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string };
    it(`${name}: says how to install it, shows an example and its options or API`, () => {
      const readme = existsSync(join(path, 'README.md')) ? readFileSync(join(path, 'README.md'), 'utf8') : '';
      expect(readme).toMatch(new RegExp(`npm install (--save-dev )?${name.replace('/', '\\/')}`));
      expect(readme.match(/```(yaml|ts|typescript|js|sh)\n/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(readme).toMatch(/\| option|\| `[a-zA-Z]+`|## /);
    });
  }
});
