import { pathToFileURL } from 'node:url';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { ConfigError } from '@tollgate/core';

/** The file names searched, in order, in the working directory. */
export const configSearchPlaces = [
  'tollgate.config.yaml',
  'tollgate.config.yml',
  'tollgate.config.json',
  'tollgate.config.js',
  'tollgate.config.mjs',
  'tollgate.config.ts',
  'tollgate.config.mts',
];

/** A config file's content and where it was found. */
export interface LoadedConfigFile {
  readonly config: unknown;
  readonly filepath: string;
}

// TypeScript configs are imported natively: Node >= 22.18 strips types without a compiler.
const importModule: Loader = async (filepath) => {
  const module = (await import(pathToFileURL(filepath).href)) as { default?: unknown };
  return module.default ?? module;
};

const explorer = cosmiconfig('tollgate', {
  searchPlaces: configSearchPlaces,
  searchStrategy: 'none',
  cache: false,
  loaders: { '.ts': importModule, '.mts': importModule, '.js': importModule, '.mjs': importModule },
});

/**
 * Reads a config file: the one named, or the first of `tollgate.config.{yaml,yml,json,js,mjs,ts,mts}`
 * found in `cwd`. Returns undefined when none exists (and none was named).
 */
export async function loadConfigFile(options: { configFile?: string | undefined; cwd: string }): Promise<LoadedConfigFile | undefined> {
  try {
    const result = options.configFile === undefined ? await explorer.search(options.cwd) : await explorer.load(options.configFile);
    if (result === null) return undefined;
    return { config: result.isEmpty ? {} : result.config, filepath: result.filepath };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new ConfigError([{ path: '(file)', message: missing ? `config file not found: ${options.configFile}` : `cannot be read: ${message}` }], options.configFile);
  }
}
