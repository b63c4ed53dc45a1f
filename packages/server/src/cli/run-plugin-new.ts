import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pluginTemplate, type PluginKind } from './plugin-templates.js';

const kinds: readonly PluginKind[] = ['provider', 'guardrail', 'ledger', 'cache'];

/** `tollgate plugin new <name> --kind provider|guardrail|ledger|cache [--dir D]`: scaffolds a plugin package. */
export async function runPluginNew(options: { name: string | undefined; kind: string | undefined; dir: string | undefined }): Promise<number> {
  if (options.name === undefined || !/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9-]*$/.test(options.name)) {
    process.stderr.write('Give the package name: tollgate plugin new tollgate-provider-acme --kind provider (lower case, dashes, optional @scope/).\n');
    return 1;
  }
  const kind = (options.kind ?? 'provider') as PluginKind;
  if (!kinds.includes(kind)) {
    process.stderr.write(`--kind must be one of: ${kinds.join(', ')}.\n`);
    return 1;
  }
  const slug = options.name.replace(/^@[^/]+\//, '').replace(/^tollgate-(provider|guardrail|ledger|cache)-/, '').replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '') || 'plugin';
  const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  const target = resolve(options.dir ?? process.cwd(), options.name.replace(/^@[^/]+\//, ''));
  if (existsSync(target)) {
    process.stderr.write(`${target} already exists; choose another name or --dir.\n`);
    return 1;
  }
  const files = pluginTemplate(kind, { packageName: options.name, slug: slug.charAt(0).toLowerCase() + slug.slice(1), tollgateRange: `^${version}` });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    await writeFile(join(target, path), content);
  }
  process.stdout.write(`Created ${options.name} (${kind}) in ${target}\n  cd ${target} && npm install && npm test\n`);
  return 0;
}
