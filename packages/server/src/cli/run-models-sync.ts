import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { interpolateEnv } from '../config/interpolate-env.js';
import { loadConfigFile } from '../config/load-config-file.js';

/**
 * `tollgate models sync openrouter [--config FILE] [--out FILE]`: fetches OpenRouter's catalog with the
 * first `openrouter` provider of the config (its base URL and key) and writes the file the
 * OpenRouter plugin prices from (its `catalog.file` option, else `openrouter-models.json` next to the
 * config). Runs offline afterwards: the gateway reads the file at startup.
 */
export async function runModelsSync(options: { source: string | undefined; configFile: string | undefined; out: string | undefined }): Promise<number> {
  if (options.source !== 'openrouter') {
    process.stderr.write('Use: tollgate models sync openrouter [--config FILE] [--out FILE] (OpenRouter is the catalog Tollgate syncs).\n');
    return 1;
  }
  const file = await loadConfigFile({ configFile: options.configFile, cwd: process.cwd() });
  const base = file === undefined ? process.cwd() : dirname(file.filepath);
  const config = (file === undefined ? {} : interpolateEnv(file.config, process.env, [])) as {
    providers?: Record<string, { type?: string; baseURL?: string; apiKey?: string }>;
    plugins?: (string | { name: string; options?: { catalog?: { file?: string } } })[];
  };
  const provider = Object.values(config.providers ?? {}).find((entry) => entry.type === 'openrouter');
  const plugin = (config.plugins ?? []).find((entry) => typeof entry === 'object' && entry.name === '@tollgate/provider-openrouter') as { options?: { catalog?: { file?: string } } } | undefined;
  const out = resolve(base, options.out ?? plugin?.options?.catalog?.file ?? 'openrouter-models.json');
  const baseURL = provider?.baseURL ?? 'https://openrouter.ai/api/v1';
  let sync: (options: { baseURL: string; apiKey?: string; file: string }) => Promise<{ models: readonly unknown[]; fetchedAt: string }>;
  try {
    ({ syncOpenRouterCatalog: sync } = (await import(createRequire(resolve(base, 'package.json')).resolve('@tollgate/provider-openrouter'))) as { syncOpenRouterCatalog: typeof sync });
  } catch {
    process.stderr.write(`@tollgate/provider-openrouter is not installed where ${file?.filepath ?? 'the working folder'} is; npm install @tollgate/provider-openrouter.\n`);
    return 1;
  }
  try {
    const catalog = await sync({ baseURL, file: out, ...(provider?.apiKey === undefined ? {} : { apiKey: provider.apiKey }) });
    process.stdout.write(`Synced ${catalog.models.length} OpenRouter models (prices, context sizes) from ${baseURL} into ${out}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`Could not sync OpenRouter's catalog: ${(error as Error).message}. The gateway keeps using ${out} if it exists.\n`);
    return 1;
  }
}
