import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateGatewayConfig } from '@tollgate/core';

// Every YAML config shown in the docs and READMEs is checked: it parses, its shape passes the core
// schema, and every `@tollgate/…` plugin it names is a package of this repository. Fragments (a
// plugin entry alone, a partial list) are recognised by not being a mapping of top-level config keys.
// Every ```ts block is a complete module and is type-checked against the workspace packages; excerpts
// that use the reader's own names are fenced ```typescript instead.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const topLevelKeys = new Set(['plugins', 'server', 'auth', 'providers', 'models', 'routing', 'logging']);

function markdownFiles(): string[] {
  const files = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name))];
  for (const folder of ['packages', 'packages/plugins', 'examples']) {
    for (const name of readdirSync(join(root, folder))) {
      const readme = join(root, folder, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

function yamlBlocks(text: string): string[] {
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** `${VAR}` and `${VAR:-default}` replaced as `tollgate start` would, with a long dummy for unset variables. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => fallback ?? `value-of-${name}-0123456789`);
  if (Array.isArray(value)) return value.map(interpolate);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item)]));
  return value;
}

const packageNames = new Set(
  ['packages', 'packages/plugins'].flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => existsSync(join(root, folder, name, 'package.json')))
      .map((name) => (JSON.parse(readFileSync(join(root, folder, name, 'package.json'), 'utf8')) as { name: string }).name),
  ),
);

const configs = markdownFiles().flatMap((file) =>
  yamlBlocks(readFileSync(file, 'utf8')).flatMap((block, index) => {
    const parsed = parse(block) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
    const keys = Object.keys(parsed);
    if (keys.length === 0 || !keys.every((key) => topLevelKeys.has(key))) return [];
    return [{ name: `${relative(root, file)} #${index + 1}`, config: interpolate(parsed) as Record<string, unknown> }];
  }),
);

describe('the configs shown in the docs', () => {
  it('are many enough to be worth checking', () => {
    expect(configs.length).toBeGreaterThanOrEqual(20);
  });

  for (const { name, config } of configs) {
    it(`${name} is a valid config naming real plugins`, () => {
      const result = validateGatewayConfig(config);
      expect(result.ok ? [] : result.issues).toEqual([]);
      const plugins = ((config.plugins ?? []) as (string | { name: string })[]).map((plugin) => (typeof plugin === 'string' ? plugin : plugin.name));
      for (const plugin of plugins.filter((plugin) => plugin.startsWith('@tollgate/'))) expect(packageNames, `${plugin} is not a package here`).toContain(plugin);
    });
  }
});

describe('the TypeScript shown in the docs', () => {
  it('type-checks, every ```ts block as a module of its own', async () => {
    const folder = join(root, 'test', '.snippets');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    let count = 0;
    for (const file of markdownFiles()) {
      [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].forEach((match, index) => {
        writeFileSync(join(folder, `${relative(root, file).replaceAll('/', '_').replace(/\.md$/, '')}_${index + 1}.ts`), `${match[1]}\nexport {};\n`);
        count += 1;
      });
    }
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, declaration: false, declarationMap: false, sourceMap: false }, include: ['*.ts'] }));
    expect(count).toBeGreaterThanOrEqual(5);
    const result = await promisify(execFileCallback)(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(folder, 'tsconfig.json')], { cwd: root }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  }, 120_000);
});
