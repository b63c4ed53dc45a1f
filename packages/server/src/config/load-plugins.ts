import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { isTollgatePlugin, type ConfigIssue, type LoadedPlugin } from '@tollgate/core';

/** How a config names a plugin: its package name or a path, with options. */
export type PluginReference = string | { readonly name: string; readonly options?: unknown };

/**
 * Imports the plugins a config lists: npm packages resolved from the config's folder (as Node would
 * from a file there), or local files by relative path. A module must default-export (or export as
 * `plugin`) the result of `definePlugin`. Problems are reported by config path.
 */
export async function loadPlugins(references: readonly PluginReference[], baseDirectory: string, issues: ConfigIssue[]): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const parent = pathToFileURL(`${baseDirectory}/`).href;
  for (const [index, reference] of references.entries()) {
    const configPath = `plugins[${index}]`;
    const name = typeof reference === 'string' ? reference : reference.name;
    const options = typeof reference === 'string' ? undefined : reference.options;
    const isPath = name.startsWith('.') || isAbsolute(name);
    let url: string;
    try {
      url = isPath ? pathToFileURL(resolvePath(baseDirectory, name)).href : resolveModule(name, parent);
    } catch {
      issues.push({ path: configPath, message: `cannot find plugin package "${name}" from ${baseDirectory}; install it (npm install ${name}) or fix the name` });
      continue;
    }
    let module: { default?: unknown; plugin?: unknown };
    try {
      module = (await import(url)) as typeof module;
    } catch (error) {
      issues.push({ path: configPath, message: `plugin "${name}" failed to load: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const plugin = isTollgatePlugin(module.default) ? module.default : module.plugin;
    if (!isTollgatePlugin(plugin)) {
      issues.push({ path: configPath, message: `"${name}" does not export a Tollgate plugin (default-export the result of definePlugin)` });
      continue;
    }
    loaded.push({ plugin, options, configPath });
  }
  return loaded;
}
