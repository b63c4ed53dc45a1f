import type { z } from 'zod';
import type { PluginApi } from './plugin-api.js';

/** What a plugin's `setup` may return: how to shut it down. */
export interface PluginInstance {
  /** Flushes and releases what the plugin holds; called once, in reverse registration order. */
  close?(): Promise<void> | void;
}

/** A Tollgate plugin: an npm package's default export, or a local module's. */
export interface TollgatePlugin<TOptions = unknown> {
  /** The plugin contract version this plugin was written against. */
  readonly specificationVersion: 'v1';
  readonly name: string;
  /** Validates the plugin's options from the config; errors name their config path. */
  readonly options: z.ZodType<TOptions> | undefined;
  setup(api: PluginApi, options: TOptions): void | PluginInstance | Promise<void | PluginInstance>;
}

/** The definition `definePlugin` takes. */
export interface PluginDefinition<TSchema extends z.ZodType | undefined> {
  readonly name: string;
  readonly options?: TSchema;
  setup(
    api: PluginApi,
    options: TSchema extends z.ZodType ? z.output<TSchema> : undefined,
  ): void | PluginInstance | Promise<void | PluginInstance>;
}

/**
 * Declares a plugin. `setup` runs once at startup with options already validated by `options`.
 *
 * @example
 * export default definePlugin({
 *   name: '@acme/tollgate-provider-acme',
 *   options: z.object({ region: z.string().default('eu') }),
 *   setup(api, options) {
 *     api.registerProvider('acme', { options: acmeOptions, create: (instance) => new AcmeProvider(instance, options) });
 *   },
 * });
 */
export function definePlugin<TSchema extends z.ZodType | undefined = undefined>(
  definition: PluginDefinition<TSchema>,
): TollgatePlugin<TSchema extends z.ZodType ? z.output<TSchema> : undefined> {
  return {
    specificationVersion: 'v1',
    name: definition.name,
    options: definition.options as never,
    setup: definition.setup as never,
  };
}

/** True when a module export is a plugin made by `definePlugin` (of any copy of this package). */
export function isTollgatePlugin(value: unknown): value is TollgatePlugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as TollgatePlugin).specificationVersion === 'v1' &&
    typeof (value as TollgatePlugin).name === 'string' &&
    typeof (value as TollgatePlugin).setup === 'function'
  );
}
