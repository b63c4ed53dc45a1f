import type { z } from 'zod';
import type { Logger } from '../services/logger.js';
import type { ServiceToken } from '../services/service-token.js';
import type { HookMap, HookPhase } from './hook-map.js';
import type { ProviderDefinition } from './provider-definition.js';

/**
 * What a plugin's `setup` receives: the only surface plugin authors program against. Registration
 * order across plugins (as listed in the config) is execution order within a phase.
 */
export interface PluginApi {
  /** The plugin's name, as declared. */
  readonly pluginName: string;
  /** A logger bound to the plugin's name. */
  readonly logger: Logger;
  /** Makes a provider `type` available to `providers:` entries of the config. */
  registerProvider<TSchema extends z.ZodType>(type: string, definition: ProviderDefinition<TSchema>): void;
  /** Adds a hook to a lifecycle phase. */
  addHook<P extends HookPhase>(phase: P, hook: HookMap[P]): void;
  /** Provides a service (a ledger, a cache) under its token; a later plugin's value wins. */
  provide<T>(token: ServiceToken<T>, value: T): void;
  /**
   * A service provided by the host or an earlier plugin, if any. What the assembled gateway provides
   * (`TargetCircuits`) is there once setup is over: resolve it when it is used, not in `setup`.
   */
  resolve<T>(token: ServiceToken<T>): T | undefined;
}
